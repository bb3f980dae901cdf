import type { ConvexClient } from 'convex/browser'
import type { App } from 'vue'
import type { ConvexVuePlugin } from '../useConvexClient'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, inject, nextTick, shallowRef } from 'vue'
import { createConvexPersister, indexedDbStorage } from '.'
import { api } from '../../../docs/backend'
import { ConvexContextKey } from '../_internal/keys'
import { tokenIdentifier } from '../_internal/persist'
import { useTestConvex } from '../_test'
import { useConvexAuth } from '../useConvexAuth'
import { createConvexVue } from '../useConvexClient'
import { useConvexPaginatedQuery } from '../useConvexPaginatedQuery'
import { useConvexQueries } from '../useConvexQueries'
import { useConvexQuery } from '../useConvexQuery'
import 'fake-indexeddb/auto'

const convex = useTestConvex()

let databases = 0
/** A fresh IndexedDB database (fake-indexeddb), shared by the "page loads" of one test. */
const freshStorage = () => indexedDbStorage(`persist-test-${++databases}`)

const apps: App[] = []
const clients: ConvexClient[] = []
afterEach(async () => {
  apps.splice(0).forEach(app => app.unmount())
  await Promise.all(clients.splice(0).map(c => c.close()))
})

const token = (sub: string) => () => convex.backend.createToken({ sub, name: sub })

interface Frame { data: any, source: unknown, isStale: boolean, status: string, signedIn: boolean }

/**
 * One page load: a new client (a fresh tab or a reload), the plugin with `options`, `await
 * plugin.ready`, then a mount. `frames` records every render of the reader of `users.me`;
 * `frames[0]` is the first frame.
 */
async function load(options: Partial<Parameters<typeof createConvexVue>[0]> & { persist: any }, query: 'me' | 'counter' = 'me') {
  const client = convex.createClient()
  clients.push(client)
  const plugin = createConvexVue({ client, ...options } as never) as ConvexVuePlugin
  const frames: Frame[] = []
  let auth!: ReturnType<typeof useConvexAuth>
  let context!: any
  const Page = defineComponent({
    setup() {
      auth = useConvexAuth()
      context = inject(ConvexContextKey)
      const q = query === 'me' ? useConvexQuery(api.users.me) : useConvexQuery(api.counter.get, { name: 'shared' })
      return () => {
        frames.push({ data: q.data.value, source: q.source.value, isStale: q.isStale.value, status: q.status.value, signedIn: auth.isAuthenticated.value })
        return h('i')
      }
    },
  })
  const app = createApp(Page).use(plugin)
  apps.push(app)
  await plugin.ready
  app.mount(document.createElement('div'))
  return { app, client, frames, auth: () => auth, context: () => context, last: () => frames.at(-1)!, plugin }
}

/** Every key in `storage` and its record. */
async function stored(storage: ReturnType<typeof freshStorage>) {
  const out: Record<string, any> = {}
  for (const key of await storage.keys()) out[key] = await storage.get(key)
  return out
}

const ME_KEY = 'users:me:[{}]'.replace('[{}]', '{}')

describe('createConvexPersister', () => {
  it('(1) a reload with the same identity renders the persisted value in its first frame, then the live one', async () => {
    const storage = freshStorage()
    const persist = () => createConvexPersister({ storage, buster: 'v1', throttleMs: 10 })
    const first = await load({ auth: token('A'), persist: persist() })
    await vi.waitFor(() => expect(first.last()).toMatchObject({ data: { subject: 'A' }, source: 'live', isStale: false }))
    // Written (throttled) once the server confirmed A.
    await vi.waitFor(async () => expect(Object.keys(await stored(storage)).some(k => k.endsWith(`|users:me:{}`))).toBe(true))
    first.app.unmount()

    const reload = await load({ auth: token('A'), persist: persist() })
    expect(reload.frames[0]).toMatchObject({ data: { subject: 'A', name: 'A' }, source: 'persisted', isStale: true, status: 'success' })
    await vi.waitFor(() => expect(reload.last()).toMatchObject({ data: { subject: 'A' }, source: 'live', isStale: false }))
  })

  it('without persist (or before ready) the first frame is pending, as before', async () => {
    const page = await load({ auth: token('A'), persist: undefined })
    expect(page.frames[0]).toMatchObject({ status: 'pending', source: undefined })
  })

  it('(2) A signs out and B signs in with a second tab open and a write in flight: B never sees A\'s data in either tab', async () => {
    const storage = freshStorage()
    // A visited before: A's record is in storage.
    const before = await load({ auth: token('A'), persist: createConvexPersister({ storage, throttleMs: 10 }) })
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1))
    before.app.unmount()
    // Two tabs of A; A's value is pushed to each, which queues a (throttled) write of it.
    const persist = () => createConvexPersister({ storage, throttleMs: 60_000 })
    const tab1 = await load({ auth: token('A'), persist: persist() })
    const tab2 = await load({ auth: token('A'), persist: persist() })
    await vi.waitFor(() => expect([tab1.last(), tab2.last()]).toMatchObject([{ data: { subject: 'A' }, source: 'live', signedIn: true }, { data: { subject: 'A' }, source: 'live', signedIn: true }]))
    // And a result of a query only A's pages read (it is not read again after the switch).
    for (const tab of [tab1, tab2])
      tab.context().persist.live('notes:mine:{}').value({ owner: 'A' })
    // A signs out and B signs in, in the first tab, before either write lands.
    tab1.auth().clearAuth()
    tab1.auth().setAuth(token('B'))
    await vi.waitFor(() => expect(tab1.last()).toMatchObject({ data: { subject: 'B' }, signedIn: true }))
    // The second tab, still signed in as A, hears of the purge: its write of A never lands,
    // even when the page is hidden (which writes what is pending at once).
    await new Promise(resolve => setTimeout(resolve, 50))
    dispatchEvent(new Event('pagehide'))
    await new Promise(resolve => setTimeout(resolve, 300))
    const idA = encodeURIComponent(tokenIdentifier(await token('A')())!)
    const ofA = async () => Object.keys(await stored(storage)).filter(k => k.includes(`|${idA}|`))
    expect(await ofA()).toEqual([expect.stringMatching(/#purged$/)])
    // Then it follows (its auth provider shares the sign-in, as Convex Auth's storage does).
    tab2.auth().setAuth(token('B'))
    await vi.waitFor(() => expect(tab2.last()).toMatchObject({ data: { subject: 'B' }, signedIn: true }))
    await convex.flush()
    // Signed in as B, neither tab rendered A's data.
    for (const tab of [tab1, tab2]) {
      const lastSignedOut = tab.frames.map(f => f.signedIn).lastIndexOf(false)
      const sinceB = tab.frames.slice(lastSignedOut + 1)
      expect(sinceB.length).toBeGreaterThan(0)
      expect(sinceB.filter(f => f.data?.subject === 'A')).toEqual([])
    }
    // Nothing of A is left in storage (the writes in flight never landed), but a tombstone that
    // tells late writers A was purged; whatever is there is B's.
    const records = await stored(storage)
    expect(await ofA()).toEqual([expect.stringMatching(/#purged$/)])
    expect(Object.values(records).filter(r => r.v.includes('"A"'))).toEqual([])
    // A new component in either tab, and a reload as B, render nothing of A.
    for (const tab of [tab1, tab2])
      expect(tab.context().persist.read('users:me:{}')?.value).not.toMatchObject({ subject: 'A' })
    const reload = await load({ auth: token('B'), persist: persist() })
    expect(reload.frames.filter(f => f.data?.subject === 'A')).toEqual([])
  })

  it('one token fetcher that signs another user in (setAuth with the same function) is another identity', async () => {
    const storage = freshStorage()
    let user = 'A'
    const fetcher = () => convex.backend.createToken({ sub: user, name: user })
    const tab = await load({ auth: fetcher, persist: createConvexPersister({ storage, throttleMs: 10 }) })
    await vi.waitFor(async () => expect(Object.values(await stored(storage)).map(r => r.v)).toEqual([expect.stringContaining('"A"')]))
    user = 'B'
    tab.auth().setAuth(fetcher)
    await vi.waitFor(() => expect(tab.last()).toMatchObject({ data: { subject: 'B' }, signedIn: true }))
    await vi.waitFor(async () => expect(Object.values(await stored(storage)).map(r => r.v)).toEqual(expect.arrayContaining([expect.stringContaining('"B"')])))
    // A's record is gone (purged), B's is under B's name.
    const records = await stored(storage)
    expect(Object.values(records).filter(r => r.v.includes('"A"'))).toEqual([])
    const idB = encodeURIComponent(tokenIdentifier(await token('B')())!)
    expect(Object.entries(records).filter(([, r]) => r.v.includes('"B"')).map(([k]) => k)).toEqual([expect.stringContaining(`|${idB}|`)])
  })

  it('(3) while the identity is unknown nothing is restored', async () => {
    const storage = freshStorage()
    const first = await load({ auth: token('A'), persist: createConvexPersister({ storage, throttleMs: 10 }) })
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1))
    first.app.unmount()
    // An auth provider still loading: whose results these would be is not known.
    const loading = shallowRef(true)
    const reload = await load({
      auth: { isLoading: loading, isAuthenticated: () => !loading.value, fetchAccessToken: token('A') },
      persist: createConvexPersister({ storage, restoreTimeoutMs: 20 }),
    })
    expect(reload.frames[0]).toMatchObject({ status: 'pending', data: undefined, source: undefined })
    expect(Object.keys(await stored(storage))).toHaveLength(1) // kept for when A is known
  })

  it('(4) a record of another buster, or older than maxAge, is deleted and never rendered', async () => {
    const storage = freshStorage()
    const first = await load({ auth: token('A'), persist: createConvexPersister({ storage, buster: 'v1', throttleMs: 10 }) })
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1))
    first.app.unmount()
    const deployed = await load({ auth: token('A'), persist: createConvexPersister({ storage, buster: 'v2' }) })
    expect(deployed.frames[0]).toMatchObject({ status: 'pending', source: undefined })
    expect(await stored(storage)).toEqual({})
    await vi.waitFor(() => expect(deployed.last().source).toBe('live'))
    // Written again under v2; then too old for a maxAge of 1 ms.
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1), { timeout: 3000 })
    deployed.app.unmount()
    await new Promise(resolve => setTimeout(resolve, 5))
    const later = await load({ auth: token('A'), persist: createConvexPersister({ storage, buster: 'v2', maxAge: 1 }) })
    expect(later.frames[0]).toMatchObject({ status: 'pending', source: undefined })
    expect(await stored(storage)).toEqual({})
  })

  it('(5) restoring 50 entries sends no ModifyQuerySet until one is read', async () => {
    const storage = freshStorage()
    const sends = vi.spyOn(convex.backend.WebSocket.prototype, 'send')
    // ModifyQuerySet messages that subscribe to a restored entry (counters c0…c49).
    const modifyQuerySets = () => sends.mock.calls.map(([data]) => JSON.parse(data as string))
      .filter(m => m.type === 'ModifyQuerySet' && m.modifications.some((q: any) => q.type === 'Add' && /^c\d+$/.test(q.args[0].name)))
      .length
    // A first visit reads 50 counters and persists them.
    const client = convex.createClient()
    clients.push(client)
    const plugin = createConvexVue({ client, persist: createConvexPersister({ storage, throttleMs: 10 }) })
    const app = createApp(defineComponent({
      setup() {
        const all = Array.from({ length: 50 }, (_, i) => useConvexQuery(api.counter.get, { name: `c${i}` }))
        return () => h('i', all.map(q => q.data.value).join())
      },
    })).use(plugin)
    await plugin.ready
    app.mount(document.createElement('div'))
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(50))
    app.unmount()
    // The reload restores them and renders a page that reads none of them (yet).
    const before = modifyQuerySets()
    const reloaded = convex.createClient()
    clients.push(reloaded)
    const reload = createConvexVue({ client: reloaded, persist: createConvexPersister({ storage }) })
    const reading = shallowRef(false)
    let seen: unknown
    const Reader = defineComponent({
      setup() {
        const q = useConvexQuery(api.counter.get, { name: 'c7' })
        seen = q.source.value
        return () => h('i')
      },
    })
    let context!: any
    const page = createApp(defineComponent({
      setup() {
        context = inject(ConvexContextKey)
        return () => (reading.value ? h(Reader) : null)
      },
    })).use(reload)
    apps.push(page)
    await reload.ready
    page.mount(document.createElement('div'))
    expect(context.persist.list()).toHaveLength(50)
    await convex.flush()
    expect(modifyQuerySets() - before).toBe(0)
    // A component that reads one restored entry renders it at once and subscribes to that one.
    reading.value = true
    await nextTick()
    expect(seen).toBe('persisted')
    await convex.flush()
    expect(modifyQuerySets() - before).toBe(1)
  })

  it('(8) bigint, ArrayBuffer and ids survive the round trip through storage', async () => {
    const storage = freshStorage()
    const id = await convex.client.mutation(api.messages.send, { author: 'a', body: 'b' })
    const value = { count: 2n ** 60n, bytes: new Uint8Array([1, 2, 255]).buffer, id, nested: [{ n: -0.5, s: 'x' }] }
    const contextOf = async (persist: ReturnType<typeof createConvexPersister>) => {
      const client = convex.createClient()
      clients.push(client)
      const plugin = createConvexVue({ client, persist })
      let context!: any
      const app = createApp(defineComponent({
        setup() {
          context = inject(ConvexContextKey)
          return () => null
        },
      })).use(plugin)
      apps.push(app)
      await plugin.ready
      app.mount(document.createElement('div'))
      return context
    }
    const first = await contextOf(createConvexPersister({ storage, throttleMs: 10_000 }))
    first.persist.live('k').value(value)
    dispatchEvent(new Event('pagehide')) // flushed at once when the page is left
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1))
    const second = await contextOf(createConvexPersister({ storage }))
    const restored = second.persist.read('k')!.value
    expect(restored.count).toBe(2n ** 60n)
    expect(restored.bytes).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(restored.bytes)]).toEqual([1, 2, 255])
    expect(restored.id).toBe(id)
    expect(restored.nested).toEqual([{ n: -0.5, s: 'x' }])
  })

  it('persists a useConvexQueries key, not a paginated list\'s pages (their keys hold the list\'s own id)', async () => {
    const storage = freshStorage()
    await convex.client.mutation(api.messages.send, { author: 'a', body: 'b' })
    const client = convex.createClient()
    clients.push(client)
    const plugin = createConvexVue({ client, persist: createConvexPersister({ storage, throttleMs: 10 }) })
    let list!: ReturnType<typeof useConvexPaginatedQuery>
    let all!: ReturnType<typeof useConvexQueries>
    const app = createApp(defineComponent({
      setup() {
        list = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 5 })
        all = useConvexQueries({ n: { query: api.counter.get, args: { name: 'n' } } })
        return () => null
      },
    })).use(plugin)
    apps.push(app)
    await plugin.ready
    app.mount(document.createElement('div'))
    await vi.waitFor(() => expect([list.status.value, all.n?.status]).toEqual(['Exhausted', 'success']))
    await vi.waitFor(async () => expect(Object.keys(await stored(storage))).toHaveLength(1))
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(Object.keys(await stored(storage))).toEqual([expect.stringMatching(/\|counter:get:\{"name":"n"\}$/)])
  })

  it('reads the identity as Convex names it: the token\'s iss|sub', async () => {
    expect(tokenIdentifier(await token('user_1')())).toBe('https://convex.test|user_1')
    expect(tokenIdentifier('not a jwt')).toBeNull()
    expect(ME_KEY).toBe('users:me:{}')
  })
})
