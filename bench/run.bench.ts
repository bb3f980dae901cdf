// `npm run bench`: measures vueuse-convex against the raw Convex client and peer libraries,
// in one run, and writes bench/results.json. Figures state their unit and number of runs.
import type { App, Plugin } from 'vue'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { gzipSync } from 'node:zlib'
import { QueryClient, useMutation, VueQueryPlugin } from '@tanstack/vue-query'
import * as core from '@vueuse-convex/core'
import { createTestConvex } from '@vueuse-convex/testing'
import { ConvexClient } from 'convex/browser'
import { expect, it } from 'vitest'
import { computed, createApp, defineComponent, effectScope, h, nextTick, onScopeDispose, onUnmounted, ref, shallowRef, watch } from 'vue'
import { api, modules, schema } from '../docs/backend'
import { coreSizes, devtoolsBytesInProduction, gzipBytes, productionChunks, SIZE_BUDGETS } from './size'

// convex-vue is installed into bench/.tmp by bench/peers.ts (npm run bench runs it first).
const { convexVue, useConvexMutation: useConvexVueMutation } = await import(/* @vite-ignore */ join(process.cwd(), 'bench/.tmp/node_modules/convex-vue/dist/index.mjs')) as { convexVue: Plugin, useConvexMutation: (mutation: unknown) => { mutate: (args: never) => Promise<unknown> } }

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

/**
 * Interleaved A/B rounds, alternating which goes first to cancel drift; the median of B/A.
 * A full GC before each timed run: what a run collects is its own garbage, not the other's.
 */
async function abRatio(rounds: number, a: () => Promise<number>, b: () => Promise<number>) {
  await a()
  await b() // warm-up
  const ratios: number[] = []
  const run = (fn: () => Promise<number>) => {
    gc()
    return fn()
  }
  for (let i = 0; i < rounds; i++) {
    let ta: number
    let tb: number
    if (i % 2) {
      ta = await run(a)
      tb = await run(b)
    }
    else {
      tb = await run(b)
      ta = await run(a)
    }
    ratios.push(tb / ta)
  }
  return median(ratios)
}

async function sizes() {
  // From the built dist (npm run bench builds first), as a production app bundles it.
  for (const [name, bytes] of Object.entries(await coreSizes(root))) {
    set(`size.${name}.gzip`, bytes)
    const budget = SIZE_BUDGETS[name]
    table.push({ figure: name === 'core' ? 'size: all of @vueuse-convex/core' : `size: ${name}`, value: String(bytes), unit: 'bytes min+gzip', goal: budget ? `≤ ${budget} (CI)` : '≤ +5% (CI)', runs: '1 build' })
  }
  const devtools = await devtoolsBytesInProduction(root)
  set('size.devtools.gzip', devtools)
  table.push({ figure: 'size: Vue Devtools integration in a production build', value: String(devtools), unit: 'bytes min+gzip', goal: '0', runs: '1 build' })
  expect(devtools).toBe(0)
  // The persisted cache in an app that does not use it: strings only its module holds.
  const markers = ['vueuse-convex:persist', '#purged', 'indexedDB']
  const app = await productionChunks('@vueuse-convex/core', ['createConvexVue', 'useConvexQuery', 'useConvexQueries', 'useConvexPaginatedQuery', 'prefetchConvexQuery'], root)
  const persistBytes = app.filter(code => markers.some(marker => code.includes(marker))).reduce((sum, code) => sum + gzipSync(code, { level: 9 }).length, 0)
  set('persist.bytesWithoutPersist', persistBytes)
  table.push({ figure: 'size: persisted cache in an app that does not use it', value: String(persistBytes), unit: 'bytes min+gzip', goal: '0 (tree-shaken)', runs: '1 build' })
  expect(persistBytes).toBe(0)
  const peers: Array<[string, string]> = [['convex-vue', 'useConvexMutation'], ['convex-vue', 'useConvexQuery'], ['@tanstack/vue-query', 'useMutation'], ['@tanstack/vue-query', 'useQuery']]
  for (const [pkg, name] of peers) {
    const bytes = await gzipBytes(pkg, [name], pkg === 'convex-vue' ? join(root, 'bench/.tmp') : root)
    set(`size.peer.${pkg}.${name}.gzip`, bytes)
    table.push({ figure: `size: ${pkg} ${name}`, value: String(bytes), unit: 'bytes min+gzip', goal: 'peer (beside ours)', runs: '1 build' })
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
  table.push({ figure: 'overhead: useConvexAction.execute vs client.action', value: actionRatio.toFixed(3), unit: 'ratio of medians (time)', goal: 'shown (noise ±10%)', runs: `${ROUNDS} rounds × ${N} calls` })

  const mutationRatio = await abRatio(ROUNDS, () => time(() => client.mutation(api.counter.increment, { name: 'raw' })), () => time(() => mutation.execute({ name: 'ours' })))
  set('overhead.mutation.ratio', mutationRatio)
  table.push({ figure: 'overhead: useConvexMutation.execute vs client.mutation', value: mutationRatio.toFixed(3), unit: 'ratio of medians (time)', goal: 'shown (noise ±10%)', runs: `${ROUNDS} rounds × ${N} calls` })

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
  table.push({ figure: 'overhead: write → useConvexQuery.data vs → onUpdate callback', value: queryRatio.toFixed(3), unit: 'ratio of medians (time)', goal: 'shown (noise ±10%)', runs: `9 rounds × ${Q} updates` })
  stopRaw()
  scope.stop()
  await convex.close()
}

/** The in-memory backend against convex-test called directly: the cost of the real client path. */
async function backendSpeed() {
  const N = 200
  const ROUNDS = 9
  const convex = createTestConvex({ schema, modules })
  const { client, backend } = convex
  const direct = backend.t
  let k = 0
  // Sequential mutations: through the real client and the sync protocol vs t.mutation.
  const sequential = (via: 'ours' | 'direct') => async () => {
    const name = `seq-${via}-${k++}`
    const t0 = now()
    for (let i = 0; i < N; i++) {
      if (via === 'ours')
        await client.mutation(api.counter.increment, { name })
      else
        await direct.mutation(api.counter.increment, { name })
    }
    return now() - t0
  }
  // Throughput ratio: ours / convex-test's = their time / our time.
  const mutations = 1 / await abRatio(ROUNDS, sequential('direct'), sequential('ours'))
  set('backend.mutations.ratio', mutations)
  table.push({ figure: 'backend: sequential mutations, createTestConvex client vs convex-test direct', value: mutations.toFixed(3), unit: 'throughput ratio (ours / direct)', goal: '≥ 0.5', runs: `${ROUNDS} rounds × ${N} mutations` })

  // A write reaching a subscribed query: the client's callback vs re-running the query directly.
  const U = 100
  let target = 0
  let resolveSeen: (() => void) | undefined
  const stop = client.onUpdate(api.counter.get, { name: 'watched' }, (v: number) => {
    if (v === target)
      resolveSeen?.()
  })
  await convex.flush()
  const updates = (via: 'ours' | 'direct') => async () => {
    const t0 = now()
    for (let i = 0; i < U; i++) {
      if (via === 'ours') {
        target++
        const seen = new Promise<void>((resolve) => {
          resolveSeen = resolve
        })
        await backend.t.mutation(api.counter.increment, { name: 'watched' })
        await seen
      }
      else {
        await direct.mutation(api.counter.increment, { name: 'direct-watched' })
        await direct.query(api.counter.get, { name: 'direct-watched' })
      }
    }
    return now() - t0
  }
  const update = await abRatio(ROUNDS, updates('direct'), updates('ours'))
  set('backend.update.ratio', update)
  table.push({ figure: 'backend: write → subscribed query value, client callback vs direct re-run', value: update.toFixed(3), unit: 'ratio of medians (time)', goal: '≤ 2', runs: `${ROUNDS} rounds × ${U} writes` })
  stop()
  await convex.close()

  // Distinct live queries subscribed on an open socket, until every one has its first value.
  const subscribe = async (n: number) => {
    const c = createTestConvex({ schema, modules })
    await c.flush()
    const t0 = now()
    let pending = n
    const done = new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        let first = true
        c.client.onUpdate(api.counter.get, { name: `sub-${i}` }, () => {
          if (first && --pending === 0)
            resolve()
          first = false
        })
      }
    })
    await done
    const elapsed = now() - t0
    await c.close()
    return elapsed
  }
  await subscribe(100) // warm-up
  const n100 = median([await subscribe(100), await subscribe(100), await subscribe(100)])
  const n1000 = median([await subscribe(1000), await subscribe(1000), await subscribe(1000)])
  set('backend.subscribe.n1000ms', n1000)
  set('backend.subscribe.growth', n1000 / n100)
  table.push({ figure: 'backend: 1,000 distinct live queries → first values', value: n1000.toFixed(0), unit: 'ms (median of 3)', goal: '≤ 1000', runs: '3' })
  table.push({ figure: 'backend: the same, 100 → 1,000 queries', value: (n1000 / n100).toFixed(2), unit: 'growth factor of time', goal: '≤ 12 (linear: 10)', runs: '3 each' })
}

/**
 * The composables' own cost, against a client double that resolves at once: no transport, no
 * backend, so the figure is what useConvexAction / useConvexQuery add per call.
 */
async function composableCost() {
  const N = 2000
  const ROUNDS = 15
  const client = {
    action: async () => 'ok',
    mutation: async () => 'ok',
    onUpdate: (_q: unknown, _a: unknown, cb: (v: unknown) => void) => {
      cb(1)
      return () => {}
    },
  }
  const scope = effectScope()
  const action = scope.run(() => core.useConvexAction(api.ai.model, { client: client as never }))!
  const timeCalls = (fn: () => Promise<unknown>) => async () => {
    const t0 = now()
    for (let i = 0; i < N; i++) await fn()
    return now() - t0
  }
  const raw = timeCalls(() => client.action())
  const ours = timeCalls(() => action.execute())
  await raw()
  await ours()
  const perCall: number[] = []
  for (let i = 0; i < ROUNDS; i++) perCall.push(((await ours()) - (await raw())) / N * 1000)
  const us = median(perCall)
  set('overhead.action.us', us)
  table.push({ figure: 'overhead: useConvexAction.execute, client double (resolves at once)', value: us.toFixed(2), unit: 'µs per call over client.action', goal: 'shown', runs: `${ROUNDS} rounds × ${N} calls` })
  scope.stop()

  // Subscription setup on the real ConvexClient (connected, no timers on the wire):
  // useConvexQuery vs client.onUpdate + shallowRef by hand, setup and dispose.
  const convex = createTestConvex({ schema, modules })
  await convex.flush()
  const S = 1000
  let round = 0
  const setup = (variant: 'ours' | 'raw') => async () => {
    const tag = `${variant}-${round++}`
    const t0 = now()
    const s = effectScope()
    s.run(() => {
      for (let i = 0; i < S; i++) {
        if (variant === 'ours') {
          core.useConvexQuery(api.counter.get, { name: `${tag}-${i}` }, { client: convex.client })
        }
        else {
          const value = shallowRef<unknown>()
          const stop = convex.client.onUpdate(api.counter.get, { name: `${tag}-${i}` }, (v) => {
            value.value = v
          })
          onScopeDispose(stop)
        }
      }
    })
    s.stop()
    const elapsed = now() - t0
    await convex.flush()
    return elapsed
  }
  const subscribeRatio = await abRatio(ROUNDS, setup('raw'), setup('ours'))
  set('overhead.subscribe.ratio', subscribeRatio)
  table.push({ figure: 'overhead: useConvexQuery setup + dispose vs client.onUpdate + shallowRef', value: subscribeRatio.toFixed(3), unit: 'ratio of medians (time)', goal: 'shown (see live)', runs: `${ROUNDS} rounds × ${S} queries` })
  await convex.close()
}

/**
 * 10,000 distinct live queries on the real ConvexClient and the in-memory backend, as an app
 * with a long list of live rows has them: every one subscribed until all have a first value, one
 * write that changes every result, then every one unsubscribed until the server holds none —
 * through useConvexQuery, and by hand (client.onUpdate into a shallowRef). The backend runs each
 * query for both; what differs is the composable's own work per query, on every phase.
 */
async function liveQueries() {
  const Q = 10_000
  const ROUNDS = 3
  const run = (variant: 'ours' | 'raw') => async () => {
    const convex = createTestConvex({ schema, modules, crons: false })
    const { client } = convex
    for (let i = 0; i < 3; i++) await client.mutation(api.messages.send, { author: 'bench', body: `seed ${i}` })
    await convex.flush()
    const values: Array<{ value: unknown[] | undefined }> = []
    const scope = effectScope()
    // flush() gives up after 4 s of a busy backend: on a loaded machine 10,000 results take longer.
    const until = async (done: () => boolean) => {
      while (!done()) await convex.flush().catch(() => {})
    }
    const t0 = now()
    scope.run(() => {
      for (let i = 0; i < Q; i++) {
        if (variant === 'ours') {
          values.push(core.useConvexQuery(api.messages.list, { limit: i + 1 }, { client }).data as { value: unknown[] | undefined })
        }
        else {
          const value = shallowRef<unknown[]>()
          onScopeDispose(client.onUpdate(api.messages.list, { limit: i + 1 }, (v) => {
            value.value = v
          }))
          values.push(value)
        }
      }
    })
    await until(() => values.every(v => v.value !== undefined))
    await client.mutation(api.messages.send, { author: 'bench', body: 'everyone sees this' })
    // Each list ends with the newest message.
    await until(() => values.every(v => (v.value!.at(-1) as { body: string }).body === 'everyone sees this'))
    scope.stop()
    await until(() => convex.backend.subscriptionCount === 0)
    const elapsed = now() - t0
    await convex.close()
    return elapsed
  }
  const ratio = await abRatio(ROUNDS, run('raw'), run('ours'))
  set('live.ratio', ratio)
  table.push({ figure: `live: ${Q.toLocaleString('en')} queries, first values + a write + unsubscribe`, value: ratio.toFixed(3), unit: 'ratio of medians (ours / raw client)', goal: '≤ 1.15', runs: `${ROUNDS} rounds` })
}

/**
 * The unsubscribe path alone: 10,000 distinct live queries that all have a value are unmounted
 * (their scope stopped), timed until the server holds none — through useConvexQuery (with the
 * plugin's lifetimes at 0, the default) and by hand (client.onUpdate into a shallowRef).
 */
async function unsubscribe() {
  const Q = 10_000
  const ROUNDS = 5
  const run = (variant: 'ours' | 'raw') => async () => {
    const convex = createTestConvex({ schema, modules, crons: false })
    const { client } = convex
    await client.mutation(api.messages.send, { author: 'bench', body: 'seed' })
    await convex.flush()
    const values: Array<{ value: unknown }> = []
    const scope = effectScope()
    scope.run(() => {
      for (let i = 0; i < Q; i++) {
        if (variant === 'ours') {
          values.push(core.useConvexQuery(api.messages.list, { limit: i + 1 }, { client }).data)
        }
        else {
          const value = shallowRef<unknown>()
          onScopeDispose(client.onUpdate(api.messages.list, { limit: i + 1 }, (v) => {
            value.value = v
          }))
          values.push(value)
        }
      }
    })
    // flush() gives up after 4 s of a busy backend: on a loaded machine 10,000 first results take longer.
    const settle = () => convex.flush().catch(() => {})
    while (!values.every(v => v.value !== undefined)) await settle()
    gc()
    const t0 = now()
    scope.stop()
    while (convex.backend.subscriptionCount !== 0) await settle()
    const elapsed = now() - t0
    await convex.close()
    return elapsed
  }
  const ratio = await abRatio(ROUNDS, run('raw'), run('ours'))
  set('live.unsubscribeRatio', ratio)
  table.push({ figure: `live: ${Q.toLocaleString('en')} live queries unmounted → server holds none`, value: ratio.toFixed(3), unit: 'ratio of medians (ours / raw client)', goal: '≤ 1.15', runs: `${ROUNDS} rounds` })
}

/**
 * The first frame after a reload: a page reading one query, loaded again (a new client, the
 * plugin, mounted after `await plugin.ready`) with a persisted value (createConvexPersister on
 * fake-indexeddb) and without. Time until the page shows data, and the frame it shows it in.
 */
async function persistReload() {
  const fake = await import('fake-indexeddb')
  Object.assign(globalThis, { indexedDB: fake.indexedDB, IDBKeyRange: fake.IDBKeyRange })
  const ROUNDS = 7
  const convex = createTestConvex({ schema, modules, crons: false })
  for (let i = 0; i < 20; i++) await convex.client.mutation(api.messages.send, { author: 'bench', body: `m${i}` })
  const storage = core.indexedDbStorage('bench-persist')
  const load = async (persist: boolean) => {
    const client = convex.createClient()
    const t0 = now()
    let frames = 0
    let shownAt = 0
    let shownIn = 0
    const plugin = core.createConvexVue({ client, persist: persist ? core.createConvexPersister({ storage, throttleMs: 0 }) : undefined })
    const app = createApp(defineComponent({
      setup() {
        const { data } = core.useConvexQuery(api.messages.list, {})
        return () => {
          frames++
          if (data.value && !shownIn) {
            shownIn = frames
            shownAt = now()
          }
          return h('i', data.value?.length)
        }
      },
    })).use(plugin)
    await plugin.ready
    app.mount(document.createElement('div'))
    // eslint-disable-next-line no-unmodified-loop-condition -- set by the render function
    while (!shownIn) {
      await convex.flush()
      await nextTick()
    }
    const ms = shownAt - t0
    // Leave time for the live value to be written for the next load.
    await new Promise(resolve => setTimeout(resolve, 20))
    app.unmount()
    await client.close()
    return { ms, frame: shownIn }
  }
  await load(true) // writes the value the next loads restore
  const withPersist: Array<{ ms: number, frame: number }> = []
  const without: Array<{ ms: number, frame: number }> = []
  for (let i = 0; i < ROUNDS; i++) {
    withPersist.push(await load(true))
    without.push(await load(false))
  }
  const ms = (xs: Array<{ ms: number }>) => median(xs.map(x => x.ms))
  const frame = (xs: Array<{ frame: number }>) => median(xs.map(x => x.frame))
  set('persist.firstFrame', { ms: ms(withPersist), frame: frame(withPersist), msWithout: ms(without), frameWithout: frame(without) })
  table.push({ figure: 'persist: reload → data shown, with a persisted value', value: `${ms(withPersist).toFixed(1)} ms`, unit: `frame ${frame(withPersist)} (ms from load to the frame with data)`, goal: 'frame 1', runs: `${ROUNDS}, median` })
  table.push({ figure: 'persist: the same without persist', value: `${ms(without).toFixed(1)} ms`, unit: `frame ${frame(without)}`, goal: 'baseline', runs: `${ROUNDS}, median` })
  expect(frame(withPersist)).toBe(1)
  await convex.close()
}

/**
 * Renders per server update: 20 mounted components, 10 reading a query and 10 reading another
 * one on the same connection (and calling a mutation composable); one server write changes the
 * first query. Each reader renders once, the others not at all.
 */
async function rendersPerUpdate() {
  const convex = createTestConvex({ schema, modules, crons: false })
  let readerRenders = 0
  let otherRenders = 0
  const Reader = defineComponent({
    setup() {
      const { data } = core.useConvexQuery(api.counter.get, { name: 'read' })
      return () => {
        readerRenders++
        return h('i', String(data.value))
      }
    },
  })
  const Other = defineComponent({
    setup() {
      const { data } = core.useConvexQuery(api.counter.get, { name: 'other' })
      core.useConvexMutation(api.counter.increment)
      return () => {
        otherRenders++
        return h('i', String(data.value))
      }
    },
  })
  const app = createApp(defineComponent({ setup: () => () => [...Array.from({ length: 10 }, () => h(Reader)), ...Array.from({ length: 10 }, () => h(Other))] })).use(convex)
  app.mount(document.createElement('div'))
  await convex.flush()
  await nextTick()
  readerRenders = 0
  otherRenders = 0
  await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'read', value: 41 }))
  await convex.flush()
  await nextTick()
  set('renders.reader', readerRenders / 10)
  set('renders.other', otherRenders)
  table.push({ figure: 'renders: per component reading the updated query, per server update', value: String(readerRenders / 10), unit: 'renders', goal: '1', runs: '10 components' })
  table.push({ figure: 'renders: components reading another query, same update', value: String(otherRenders), unit: 'renders (all 10)', goal: '0', runs: '10 components' })
  expect(readerRenders).toBe(10)
  expect(otherRenders).toBe(0)
  app.unmount()
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
  /**
   * Heap growth over CYCLES mount/unmount cycles of `One`, measured after a drain and GC, and
   * after the same number of cycles as a warm-up (so garbage from earlier parts is gone).
   */
  const heapGrowth = async (One: ReturnType<typeof defineComponent>) => {
    const cycle = () => {
      const a: App = createApp(One).use(plugin)
      a.mount(document.createElement('div'))
      a.unmount()
    }
    const settle = async () => {
      await convex.flush()
      for (let i = 0; i < 3; i++) gc()
    }
    for (let i = 0; i < CYCLES; i++) cycle()
    await settle()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < CYCLES; i++) cycle()
    await settle()
    return process.memoryUsage().heapUsed - before
  }
  const Ours = defineComponent({
    setup() {
      const { data } = core.useConvexQuery(api.counter.get, { name: 'leak' })
      const action = core.useConvexAction(api.ai.model)
      return () => h('i', [data.value, action.status.value])
    },
  })
  // The same subscription written by hand on the raw client, as the baseline.
  const Raw = defineComponent({
    setup() {
      const value = ref<number>()
      const stop = convex.client.onUpdate(api.counter.get, { name: 'leak' }, (v: number) => {
        value.value = v
      })
      onUnmounted(stop)
      return () => h('i', [value.value])
    },
  })
  // One throwaway round (the fan-out above leaves garbage to collect), then interleaved, twice
  // each: the larger of each (the worse case counts).
  await heapGrowth(Raw)
  const raw = await heapGrowth(Raw)
  const ours = await heapGrowth(Ours)
  const raw2 = Math.max(await heapGrowth(Raw), raw)
  const ours2 = Math.max(await heapGrowth(Ours), ours)
  const listeners = ((convex.client as unknown as { listeners: Set<unknown> }).listeners).size
  set('leak.subscriptions', convex.backend.subscriptionCount)
  set('leak.listeners', listeners)
  set('leak.heapBytes', ours2)
  set('leak.heapBytesRawClient', raw2)
  set('leak.heapBytesOverRaw', ours2 - raw2)
  table.push({ figure: `leaks: ${CYCLES.toLocaleString('en')} mount/unmount cycles`, value: String(convex.backend.subscriptionCount), unit: 'server subscriptions left', goal: '0', runs: '1' })
  table.push({ figure: 'leaks: client listeners left', value: String(listeners), unit: 'listeners', goal: '0', runs: '1' })
  table.push({ figure: 'leaks: heap growth after GC, useConvexQuery + Action', value: String(ours2), unit: 'bytes (heapUsed delta)', goal: '≈ raw client', runs: '2, the larger' })
  table.push({ figure: 'leaks: heap growth after GC, raw onUpdate by hand', value: String(raw2), unit: 'bytes (heapUsed delta)', goal: 'baseline', runs: '2, the larger' })
  table.push({ figure: 'leaks: ours minus raw', value: String(ours2 - raw2), unit: 'bytes', goal: '≤ 100000', runs: '2 each' })
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

  const run = (variant: 'ours' | 'shallow') => {
    const scope = effectScope()
    const total = scope.run(() => {
      let data: { value: Array<{ n: number }> | undefined }
      if (variant === 'ours') {
        data = core.useConvexQuery(api.messages.list, {}, { client }).data as never
      }
      else {
        // The least a hand-written subscription does: a shallowRef holding each value.
        const shallow = shallowRef<Array<{ n: number }>>()
        client.onUpdate(null, null, (v) => {
          shallow.value = v as never
        })
        data = shallow
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
  run('shallow')
  for (let i = 0; i < 7; i++) {
    const ours = run('ours')
    const shallow = run('shallow')
    ratios.push(ours / shallow)
  }
  const ratio = median(ratios)
  set('large.ratio', ratio)
  table.push({ figure: `large results: ${ROWS.toLocaleString('en')} rows × ${UPDATES} updates, useConvexQuery vs shallowRef`, value: ratio.toFixed(3), unit: 'ratio of medians (time to read each new value)', goal: '≤ 1.1', runs: '7 rounds' })
}

async function paginated() {
  const PAGES = 100
  const SIZE = 100
  // Each round times a few milliseconds of inserts into a list that stays on screen; enough
  // rounds that a scheduling hiccup in one of them does not decide the median.
  const INSERTS = 500
  const ROUNDS = 25
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
        onScopeDispose(stop) // a list must be able to leave: it keeps its unsubscribes
      }
      all.value = concat()
      return computed(() => all.value)
    })!
    if (results.value.length !== PAGES * SIZE)
      throw new Error(`${variant}: expected ${PAGES * SIZE} items, got ${results.value.length}`)
    return { results, insert, scope }
  }
  // Both lists are built once and kept, as a list on screen is: every round inserts into the
  // same live list. (Building a fresh list per round measured V8 instead: the full GC between
  // rounds frees the previous list, which deoptimises code compiled against it, and the
  // timed loop paid for compiling it again; --log-deopt shows it as "weak objects".)
  const lists = { raw: build('raw'), ours: build('ours') }
  let inserted = 0
  const time = (variant: 'ours' | 'raw') => async () => {
    const { results, insert } = lists[variant]
    const t0 = now()
    for (let i = 0; i < INSERTS; i++) {
      const id = `new${++inserted}`
      insert({ _id: id, n: -inserted })
      if ((results.value[0] as { _id: string })._id !== id)
        throw new Error(`${variant}: the insert did not show`)
    }
    return now() - t0
  }
  // Until both are compiled as a long-lived list is (abRatio warms up one round more).
  for (let i = 0; i < 4; i++) {
    await time('raw')()
    await time('ours')()
  }
  const ratio = await abRatio(ROUNDS, time('raw'), time('ours'))
  lists.raw.scope.stop()
  lists.ours.scope.stop()
  set('paginated.insert.ratio', ratio)
  table.push({ figure: `paginated: insert into a ${(PAGES * SIZE).toLocaleString('en')}-item list of ${PAGES} pages → results`, value: ratio.toFixed(3), unit: 'ratio of medians (ours / hand-written)', goal: '≤ 1.1', runs: `${ROUNDS} rounds × ${INSERTS} inserts` })

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
  // The least of 7: what V8 compiles while a list is built (its optimised code lives on the
  // same heap) only adds to a run's figure, by up to 300 KB here.
  const ours = Math.min(...Array.from({ length: 7 }, () => heap('ours')))
  const raw = Math.min(...Array.from({ length: 7 }, () => heap('raw')))
  set('paginated.heapBytes', ours)
  set('paginated.heapBytesRaw', raw)
  table.push({ figure: `paginated: heap of a ${PAGES}-page list (items shared)`, value: String(ours), unit: 'bytes (heapUsed delta)', goal: `≤ hand-written (${raw}) + 1.5 KB a page`, runs: '7, the least' })
}

/**
 * The query cache: a page with a query and a two-page list, left and visited again. With
 * gcTime the return visit sends nothing to the server and renders its data in the first
 * frame; without it (Convex's React client behaves so) it subscribes again.
 */
async function cache() {
  const visit = async (gcTime: number) => {
    const convex = createTestConvex({ schema, modules })
    for (let i = 0; i < 6; i++)
      await convex.client.mutation(api.messages.send, { author: 'bench', body: `m${i}` })
    const plugin = core.createConvexVue({ client: convex.client, gcTime })
    let firstFrame = ''
    const Page = defineComponent({
      setup() {
        const list = core.useConvexQuery(api.messages.list, {})
        const pages = core.useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 })
        firstFrame = `${list.status.value}/${pages.status.value}`
        return { list, pages }
      },
      render: () => h('i'),
    })
    const mount = () => {
      const app = createApp(Page).use(plugin)
      app.mount(document.createElement('div'))
      return app
    }
    const first = mount()
    await convex.flush()
    first.unmount()
    await convex.flush()
    const before = convex.backend.stats.messagesIn
    const back = mount()
    const rendered = firstFrame
    await convex.flush()
    const roundTrips = convex.backend.stats.messagesIn - before
    back.unmount()
    await convex.close()
    return { roundTrips, rendered }
  }
  const kept = await visit(60_000)
  const without = await visit(0)
  set('cache.returnRoundTrips', kept.roundTrips)
  set('cache.returnRoundTripsWithout', without.roundTrips)
  table.push({ figure: 'cache: return visit (a query + a paginated list), gcTime 60 s', value: String(kept.roundTrips), unit: `messages to the server (first frame: ${kept.rendered})`, goal: '0', runs: '1' })
  table.push({ figure: 'cache: the same without gcTime (as convex/react)', value: String(without.roundTrips), unit: `messages to the server (first frame: ${without.rendered})`, goal: 'baseline', runs: '1' })
  expect(kept.rendered).toBe('success/CanLoadMore')
}

it('benchmarks', async () => {
  const started = now()
  // BENCH_ONLY=paginated,large runs some parts and prints them, without writing results.json.
  const only = process.env.BENCH_ONLY?.split(',')
  const parts = { sizes, backendSpeed, overhead, composableCost, liveQueries, unsubscribe, persistReload, rendersPerUpdate, fanoutAndLeaks, largeResults, paginated, cache }
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
    'size.*.gzip': 'bytes of the named export of the built package (core: all of it), bundled by Rollup for production (process.env.NODE_ENV = "production"), minified by esbuild, gzip level 9; vue, convex and @vueuse external',
    'overhead.*.ratio': 'median over interleaved A/B rounds (a full GC before each run) of (composable time / raw client time), through @vueuse-convex/testing with zero latency',
    'overhead.peer.*.ratio': 'the same, of (useConvexMutation time / the peer composable\'s time) for one mutation',
    'fanout.subscriptions': 'query subscriptions on the wire',
    'leak.*': 'left after unmounting; heapBytes is heapUsed after GC minus before, over 10,000 cycles (heapBytesRawClient: the same with a hand-written client.onUpdate, the baseline)',
    'paginated.insert.ratio': 'median over interleaved rounds of (useConvexPaginatedQuery time / a hand-written concatenation of the same 100 page subscriptions) from a page update to reading results, on a client double that answers at once; both lists are built once and stay live, each round inserts 500 items into the first page',
    'paginated.heapBytes': 'heapUsed after GC with a 100-page list of 10,000 items built, minus before, the least of 7 (heapBytesRaw: the hand-written list); the items themselves are shared by both',
    'large.ratio': 'median of (useConvexQuery time / shallowRef by hand) to deliver and read 100 updates of 10,000 rows',
    'backend.mutations.ratio': 'throughput of sequential mutations through createTestConvex\'s client / through convex-test directly (t.mutation)',
    'backend.update.ratio': 'median of (write → the subscribed client\'s callback) / (write + re-running the query directly with convex-test)',
    'backend.subscribe.*': 'ms until 1,000 distinct live queries subscribed on an open socket all have a value; growth: that time / the time for 100',
    'overhead.action.us': 'µs per useConvexAction.execute over client.action, against a client double that resolves at once',
    'overhead.subscribe.ratio': 'median of (useConvexQuery setup + dispose / ConvexClient.onUpdate + shallowRef by hand), on a connected client',
    'leak.heapBytesOverRaw': 'leak.heapBytes minus leak.heapBytesRawClient',
    'size.devtools.gzip': 'gzipped bytes of the production chunks of all of core that hold Vue Devtools code (goal 0: development only)',
    'live.ratio': 'median over interleaved rounds of (useConvexQuery / client.onUpdate + shallowRef by hand) for 10,000 distinct live queries on the real ConvexClient and the in-memory backend: subscribe until all have a value, one write that changes every result until all hold it, unsubscribe until the server has none',
    'live.unsubscribeRatio': 'median over interleaved rounds of (useConvexQuery / client.onUpdate + shallowRef by hand) for 10,000 distinct live queries that all have a value: their scope stopped until the server holds none (the unsubscribe path alone; setup untimed)',
    'persist.firstFrame': 'a page reading one query loaded again on a new client (plugin installed, mounted after await plugin.ready): ms from the start of the load to the frame that shows data, and which frame it is (1: the first), with a persisted value (createConvexPersister on fake-indexeddb) and without; median of 7',
    'renders.*': 'renders of each of 10 mounted components reading the query a server write changed (reader), and of all 10 reading another query (other), for that one write',
    'cache.returnRoundTrips': 'messages the client sends to the server when a page with a query and a paginated list mounts again after unmounting, with gcTime 60 s (returnRoundTripsWithout: gcTime 0, as convex/react)',
  }
  if (!only)
    writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const widths = [58, 12, 30, 14, 22]
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' ')
  const out = [line(['figure', 'value', 'unit', 'goal', 'runs']), ...table.map(r => line([r.figure, r.value, r.unit, r.goal, r.runs]))]
  process.stdout.write(`\n${out.join('\n')}\n\nmachine: ${JSON.stringify(results.machine)}\n${only ? 'not written (BENCH_ONLY)' : 'written: bench/results.json'}\n`)
  expect(table.length).toBeGreaterThan(0)
})
