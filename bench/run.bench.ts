// `npm run bench`: measures vueuse-convex against the raw Convex client and peer libraries,
// in one run, and writes bench/results.json. Figures state their unit and number of runs.
import type { App } from 'vue'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { QueryClient, useMutation, VueQueryPlugin } from '@tanstack/vue-query'
import * as core from '@vueuse-convex/core'
import { createTestConvex } from '@vueuse-convex/testing'
import { convexVue, useConvexMutation as useConvexVueMutation } from 'convex-vue'
import { ConvexClient } from 'convex/browser'
import { expect, it } from 'vitest'
import { computed, createApp, defineComponent, effectScope, h, onUnmounted, ref, shallowRef, watch } from 'vue'
import { api, modules, schema } from '../docs/backend'
import { gzipBytes } from './size'

const root = process.cwd() // npm run bench runs from the repository root
const now = () => performance.now()
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const gc = () => (globalThis as { gc?: () => void }).gc?.()

interface Row { figure: string, value: string, unit: string, goal: string, runs: string }
const table: Row[] = []
const results: Record<string, unknown> = {}

function set(path: string, value: unknown) {
  const keys = path.split('.')
  let node = results as Record<string, any>
  for (const key of keys.slice(0, -1)) node = node[key] ??= {}
  node[keys.at(-1)!] = value
}

/** Interleaved A/B rounds, alternating which goes first to cancel drift; the median of B/A. */
async function abRatio(rounds: number, a: () => Promise<number>, b: () => Promise<number>) {
  await a()
  await b() // warm-up
  const ratios: number[] = []
  for (let i = 0; i < rounds; i++) {
    let ta: number
    let tb: number
    if (i % 2) {
      ta = await a()
      tb = await b()
    }
    else {
      tb = await b()
      ta = await a()
    }
    ratios.push(tb / ta)
  }
  return median(ratios)
}

async function sizes() {
  const exports = Object.keys(core).filter(k => typeof (core as Record<string, unknown>)[k] === 'function').sort()
  for (const name of exports) {
    const bytes = await gzipBytes('./packages/core/index.ts', name, root)
    set(`size.${name}.gzip`, bytes)
    table.push({ figure: `size: ${name}`, value: String(bytes), unit: 'bytes min+gzip', goal: 'small', runs: '1 build' })
  }
  const peers: Array<[string, string]> = [['convex-vue', 'useConvexMutation'], ['convex-vue', 'useConvexQuery'], ['@tanstack/vue-query', 'useMutation'], ['@tanstack/vue-query', 'useQuery']]
  for (const [pkg, name] of peers) {
    const bytes = await gzipBytes(pkg, name, root)
    set(`size.peer.${pkg}.${name}.gzip`, bytes)
    table.push({ figure: `size: ${pkg} ${name}`, value: String(bytes), unit: 'bytes min+gzip', goal: 'peer', runs: '1 build' })
  }
}

async function overhead() {
  const convex = createTestConvex({ schema, modules })
  const { client } = convex
  const N = 100
  const ROUNDS = 15
  const scope = effectScope()
  const { action, mutation } = scope.run(() => ({
    action: core.useConvexAction(api.ai.model, { client }),
    mutation: core.useConvexMutation(api.counter.increment, { client }),
  }))!

  const time = async (fn: () => Promise<unknown>) => {
    const t0 = now()
    for (let i = 0; i < N; i++) await fn()
    return now() - t0
  }
  const actionRatio = await abRatio(ROUNDS, () => time(() => client.action(api.ai.model, {})), () => time(() => action.execute()))
  set('overhead.action.ratio', actionRatio)
  table.push({ figure: 'overhead: useConvexAction.execute vs client.action', value: actionRatio.toFixed(3), unit: 'ratio of medians (time)', goal: '≤ 1.05', runs: `${ROUNDS} rounds × ${N} calls` })

  const mutationRatio = await abRatio(ROUNDS, () => time(() => client.mutation(api.counter.increment, { name: 'raw' })), () => time(() => mutation.execute({ name: 'ours' })))
  set('overhead.mutation.ratio', mutationRatio)
  table.push({ figure: 'overhead: useConvexMutation.execute vs client.mutation', value: mutationRatio.toFixed(3), unit: 'ratio of medians (time)', goal: '≤ 1.05', runs: `${ROUNDS} rounds × ${N} calls` })

  // The same mutation through peer libraries' composables, each on its own client of the same
  // backend: ratio = ours / theirs (below 1: ours is faster).
  let peers!: { convexVue: (args: object) => Promise<unknown>, tanstack: (args: object) => Promise<unknown> }
  const peerClient = new ConvexClient('https://bench.convex.cloud', { webSocketConstructor: convex.backend.WebSocket as never, skipConvexDeploymentUrlCheck: true, logger: false })
  const peerApp = createApp(defineComponent({
    setup() {
      const theirs = useConvexVueMutation(api.counter.increment)
      const tanstack = useMutation({ mutationFn: (args: { name: string }) => peerClient.mutation(api.counter.increment, args) })
      peers = { convexVue: args => theirs.mutate(args as never), tanstack: args => tanstack.mutateAsync(args as never) }
      return () => h('i')
    },
  }))
  peerApp.use(convexVue, { url: 'https://bench.convex.cloud', clientOptions: { webSocketConstructor: convex.backend.WebSocket as never, skipConvexDeploymentUrlCheck: true, logger: false } })
  peerApp.use(VueQueryPlugin, { queryClient: new QueryClient() })
  peerApp.mount(document.createElement('div'))
  for (const [pkg, name, run] of [['convex-vue', 'useConvexMutation', peers.convexVue], ['@tanstack/vue-query', 'useMutation', peers.tanstack]] as const) {
    const ratio = await abRatio(ROUNDS, () => time(() => run({ name: `peer-${pkg}` })), () => time(() => mutation.execute({ name: 'ours' })))
    set(`overhead.peer.${pkg}.${name}.ratio`, ratio)
    table.push({ figure: `overhead: useConvexMutation vs ${pkg} ${name}`, value: ratio.toFixed(3), unit: 'ratio of medians (ours / theirs)', goal: '≈ 1', runs: `${ROUNDS} rounds × ${N} calls` })
  }
  peerApp.unmount()
  await peerClient.close()

  // A server-side write until the subscriber holds the new value.
  const waits: Record<'raw' | 'ours', { value: number, target: number, resolve?: () => void }> = {
    raw: { value: 0, target: -1 },
    ours: { value: 0, target: -1 },
  }
  const seen = (who: 'raw' | 'ours', value: number | undefined) => {
    if (value === waits[who].target)
      waits[who].resolve?.()
  }
  const stopRaw = client.onUpdate(api.counter.get, { name: 'q-raw' }, (v: number) => seen('raw', v))
  const query = scope.run(() => core.useConvexQuery(api.counter.get, { name: 'q-ours' }, { client }))!
  scope.run(() => watch(query.data, v => seen('ours', v), { flush: 'sync' }))
  await convex.flush()
  const bump = (name: string) => convex.backend.run(async (ctx: any) => {
    const row = await ctx.db.query('counters').withIndex('by_name', (q: any) => q.eq('name', name)).unique()
    if (row)
      await ctx.db.patch(row._id, { value: row.value + 1 })
    else
      await ctx.db.insert('counters', { name, value: 1 })
  })
  const Q = 40
  const updates = (who: 'raw' | 'ours') => async () => {
    const wait = waits[who]
    const t0 = now()
    for (let i = 0; i < Q; i++) {
      wait.target = ++wait.value
      const done = new Promise<void>((resolve) => {
        wait.resolve = resolve
      })
      await bump(`q-${who}`)
      await done
    }
    return now() - t0
  }
  const queryRatio = await abRatio(9, updates('raw'), updates('ours'))
  set('overhead.query.ratio', queryRatio)
  table.push({ figure: 'overhead: write → useConvexQuery.data vs → onUpdate callback', value: queryRatio.toFixed(3), unit: 'ratio of medians (time)', goal: '≤ 1.05', runs: `9 rounds × ${Q} updates` })
  stopRaw()
  scope.stop()
  await convex.close()
}

async function fanoutAndLeaks() {
  const convex = createTestConvex({ schema, modules })
  const plugin = convex
  const Child = defineComponent({
    setup() {
      const { data } = core.useConvexQuery(api.messages.list, {})
      return () => h('i', data.value?.length ?? '')
    },
  })
  const Parent = defineComponent({ setup: () => () => Array.from({ length: 1000 }, () => h(Child)) })
  const app = createApp(Parent).use(plugin)
  app.mount(document.createElement('div'))
  await convex.flush()
  set('fanout.subscriptions', convex.backend.subscriptionCount)
  table.push({ figure: 'fan-out: 1,000 components, same query and args', value: String(convex.backend.subscriptionCount), unit: 'server subscriptions', goal: '1', runs: '1' })
  app.unmount()

  const CYCLES = 10_000
  /** Heap growth over CYCLES mount/unmount cycles of `One`, after a warm-up and GC. */
  const heapGrowth = async (One: ReturnType<typeof defineComponent>) => {
    const cycle = () => {
      const a: App = createApp(One).use(plugin)
      a.mount(document.createElement('div'))
      a.unmount()
    }
    for (let i = 0; i < 1000; i++) cycle() // warm-up: caches, JIT
    await convex.flush()
    for (let i = 0; i < 3; i++) gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < CYCLES; i++) cycle()
    await convex.flush()
    for (let i = 0; i < 3; i++) gc()
    return process.memoryUsage().heapUsed - before
  }
  const ours = await heapGrowth(defineComponent({
    setup() {
      const { data } = core.useConvexQuery(api.counter.get, { name: 'leak' })
      const action = core.useConvexAction(api.ai.model)
      return () => h('i', [data.value, action.status.value])
    },
  }))
  const listeners = ((convex.client as unknown as { listeners: Set<unknown> }).listeners).size
  set('leak.subscriptions', convex.backend.subscriptionCount)
  set('leak.listeners', listeners)
  set('leak.heapBytes', ours)
  // The same subscription written by hand on the raw client, as the baseline.
  const raw = await heapGrowth(defineComponent({
    setup() {
      const value = ref<number>()
      const stop = convex.client.onUpdate(api.counter.get, { name: 'leak' }, (v: number) => {
        value.value = v
      })
      onUnmounted(stop)
      return () => h('i', [value.value])
    },
  }))
  set('leak.heapBytesRawClient', raw)
  table.push({ figure: `leaks: ${CYCLES.toLocaleString('en')} mount/unmount cycles`, value: String(convex.backend.subscriptionCount), unit: 'server subscriptions left', goal: '0', runs: '1' })
  table.push({ figure: 'leaks: client listeners left', value: String(listeners), unit: 'listeners', goal: '0', runs: '1' })
  table.push({ figure: 'leaks: heap growth after GC, useConvexQuery + Action', value: String(ours), unit: 'bytes (heapUsed delta)', goal: '≈ raw client', runs: '1' })
  table.push({ figure: 'leaks: heap growth after GC, raw onUpdate by hand', value: String(raw), unit: 'bytes (heapUsed delta)', goal: 'baseline', runs: '1' })
  await convex.close()
}

async function largeResults() {
  const ROWS = 10_000
  const UPDATES = 100
  // A client double: the same onUpdate contract, driven directly, so only the Vue side is timed.
  let deliver: (value: unknown) => void = () => {}
  const client = {
    onUpdate: (_q: unknown, _a: unknown, cb: (v: unknown) => void) => {
      deliver = cb
      return () => {}
    },
  }
  const rows = (k: number) => Array.from({ length: ROWS }, (_, i) => ({ _id: `id${i}`, n: i + k, text: `row ${i}` }))
  const payloads = Array.from({ length: UPDATES }, (_, k) => rows(k))

  const run = (variant: 'ours' | 'deep') => {
    const scope = effectScope()
    const total = scope.run(() => {
      let data: { value: Array<{ n: number }> | undefined }
      if (variant === 'ours') {
        data = core.useConvexQuery(api.messages.list, {}, { client }).data as never
      }
      else {
        const deep = ref<Array<{ n: number }>>()
        client.onUpdate(null, null, (v) => {
          deep.value = v as never
        })
        data = deep
      }
      // What a template does: read every row.
      return computed(() => data.value?.reduce((sum, row) => sum + row.n, 0) ?? 0)
    })!
    const t0 = now()
    for (const payload of payloads) {
      deliver(payload)
      void total.value
    }
    const elapsed = now() - t0
    scope.stop()
    return elapsed
  }
  const ratios: number[] = []
  run('ours')
  run('deep')
  for (let i = 0; i < 7; i++) {
    const ours = run('ours')
    const deep = run('deep')
    ratios.push(ours / deep)
  }
  const ratio = median(ratios)
  set('large.ratio', ratio)
  table.push({ figure: `large results: ${ROWS.toLocaleString('en')} rows × ${UPDATES} updates, useConvexQuery vs deep ref`, value: ratio.toFixed(3), unit: 'ratio of medians (time to read each new value)', goal: '< 1', runs: '7 rounds' })
}

async function paginated() {
  const PAGES = 100
  const SIZE = 100
  const INSERTS = 50
  const items = Array.from({ length: PAGES * SIZE }, (_, i) => ({ _id: `m${i}`, n: i }))
  const pageOf = (k: number, extra: object[] = []) => ({
    page: [...extra, ...items.slice(k * SIZE, (k + 1) * SIZE)],
    isDone: k === PAGES - 1,
    continueCursor: `c${k + 1}`,
    splitCursor: null,
    pageStatus: null,
  })
  // A client double that answers every page at once, so only the Vue side is timed: the
  // composable's bookkeeping against the least a hand-written list must do (concatenate the
  // pages whenever one changes).
  const double = () => {
    const pages = new Map<string | null, (value: unknown) => void>()
    const client = {
      onUpdate: (_q: unknown, args: { paginationOpts: { cursor: string | null } }, cb: (v: unknown) => void) => {
        const cursor = args.paginationOpts.cursor
        pages.set(cursor, cb)
        const k = cursor === null ? 0 : Number(cursor.slice(1))
        return Object.assign(() => pages.delete(cursor), { getCurrentValue: () => pageOf(k) })
      },
    }
    return { client, insert: (item: object) => pages.get(null)!(pageOf(0, [item])) }
  }
  const build = (variant: 'ours' | 'raw') => {
    const { client, insert } = double()
    const scope = effectScope()
    const results = scope.run(() => {
      if (variant === 'ours') {
        const list = core.useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: SIZE, client })
        for (let k = 1; k < PAGES; k++)
          list.loadMore(SIZE)
        return list.results
      }
      const pages: Array<{ page: unknown[] }> = []
      const concat = () => ([] as unknown[]).concat(...pages.map(p => p.page))
      const all = shallowRef<unknown[]>([])
      for (let k = 0; k < PAGES; k++) {
        const stop = client.onUpdate(null, { paginationOpts: { cursor: k ? `c${k}` : null } }, (v) => {
          pages[k] = v as never
          all.value = concat()
        })
        pages[k] = stop.getCurrentValue() as never
      }
      all.value = concat()
      return computed(() => all.value)
    })!
    if (results.value.length !== PAGES * SIZE)
      throw new Error(`${variant}: expected ${PAGES * SIZE} items, got ${results.value.length}`)
    return { results, insert, scope }
  }
  const time = (variant: 'ours' | 'raw') => async () => {
    const { results, insert, scope } = build(variant)
    const t0 = now()
    for (let i = 0; i < INSERTS; i++) {
      insert({ _id: `new${i}`, n: -i })
      if ((results.value[0] as { _id: string })._id !== `new${i}`)
        throw new Error(`${variant}: the insert did not show`)
    }
    const elapsed = now() - t0
    scope.stop()
    return elapsed
  }
  const ratio = await abRatio(9, time('raw'), time('ours'))
  set('paginated.insert.ratio', ratio)
  table.push({ figure: `paginated: insert into a ${(PAGES * SIZE).toLocaleString('en')}-item list of ${PAGES} pages → results`, value: ratio.toFixed(3), unit: 'ratio of medians (ours / hand-written)', goal: '≤ 1.1', runs: `9 rounds × ${INSERTS} inserts` })

  const heap = (variant: 'ours' | 'raw') => {
    for (let i = 0; i < 3; i++) gc()
    const before = process.memoryUsage().heapUsed
    const list = build(variant)
    for (let i = 0; i < 3; i++) gc()
    const bytes = process.memoryUsage().heapUsed - before
    list.scope.stop()
    return bytes
  }
  heap('ours')
  heap('raw')
  const ours = median(Array.from({ length: 5 }, () => heap('ours')))
  const raw = median(Array.from({ length: 5 }, () => heap('raw')))
  set('paginated.heapBytes', ours)
  set('paginated.heapBytesRaw', raw)
  table.push({ figure: `paginated: heap of a ${PAGES}-page list (items shared)`, value: String(ours), unit: 'bytes (heapUsed delta)', goal: `≈ hand-written (${raw})`, runs: '5' })
}

it('benchmarks', async () => {
  const started = now()
  // BENCH_ONLY=paginated,large runs some parts and prints them, without writing results.json.
  const only = process.env.BENCH_ONLY?.split(',')
  const parts = { sizes, overhead, fanoutAndLeaks, largeResults, paginated }
  for (const [name, part] of Object.entries(parts)) {
    if (!only || only.includes(name))
      await part()
  }
  results.machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
    seconds: Math.round((now() - started) / 1000),
  }
  results.units = {
    'size.*.gzip': 'bytes, minified + gzip level 9, vue/convex/@vueuse external, tree-shaken (esbuild)',
    'overhead.*.ratio': 'median over interleaved A/B rounds of (composable time / raw client time), through @vueuse-convex/testing with zero latency',
    'overhead.peer.*.ratio': 'the same, of (useConvexMutation time / the peer composable\'s time) for one mutation',
    'fanout.subscriptions': 'query subscriptions on the wire',
    'leak.*': 'left after unmounting; heapBytes is heapUsed after GC minus before, over 10,000 cycles (heapBytesRawClient: the same with a hand-written client.onUpdate, the baseline)',
    'paginated.insert.ratio': 'median over interleaved rounds of (useConvexPaginatedQuery time / a hand-written concatenation of the same 100 page subscriptions) from a page update to reading results, on a client double that answers at once',
    'paginated.heapBytes': 'heapUsed after GC with a 100-page list of 10,000 items built, minus before (heapBytesRaw: the hand-written list); the items themselves are shared by both',
    'large.ratio': 'median of (useConvexQuery time / deep ref time) to deliver and read 100 updates of 10,000 rows',
  }
  if (!only)
    writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const widths = [58, 12, 30, 14, 22]
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' ')
  const out = [line(['figure', 'value', 'unit', 'goal', 'runs']), ...table.map(r => line([r.figure, r.value, r.unit, r.goal, r.runs]))]
  process.stdout.write(`\n${out.join('\n')}\n\nmachine: ${JSON.stringify(results.machine)}\n${only ? 'not written (BENCH_ONLY)' : 'written: bench/results.json'}\n`)
  expect(table.length).toBeGreaterThan(0)
})
