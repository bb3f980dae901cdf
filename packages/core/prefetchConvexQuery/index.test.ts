import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { ref } from 'vue'
import { prefetchConvexQuery } from '.'
import { api } from '../../../docs/backend'
import { heldQueries } from '../_internal/cache'
import { useSetup, useTestConvex } from '../_test'
import { useConvexAuth } from '../useConvexAuth'
import { createConvexVue } from '../useConvexClient'
import { useConvexPaginatedQuery } from '../useConvexPaginatedQuery'
import { useConvexQueries } from '../useConvexQueries'
import { useConvexQuery } from '../useConvexQuery'

const convex = useTestConvex()

/** The plugin on the test backend's client, with the cache settings under test. */
const plugin = (options: { gcTime?: number, maxIdleQueries?: number } = {}) => createConvexVue({ client: convex.client, ...options })

/** Mounts a counter query, waits for its value and unmounts it. */
async function visit(name: string, p: ReturnType<typeof plugin>, gcTime?: number) {
  const page = useSetup(() => useConvexQuery(api.counter.get, { name }, { gcTime }), [p])
  await vi.waitFor(() => expect(page.result.status.value).toBe('success'))
  page.unmount()
}

describe('the query cache (gcTime)', () => {
  it('without gcTime a query ends with its component, as before', async () => {
    await visit('a', plugin())
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
  })

  it('keeps a query live after its component unmounts, and a return renders at once with no round trip', async () => {
    const p = plugin({ gcTime: 60_000 })
    await visit('a', p)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 5 })
    await convex.flush()
    const sent = convex.backend.stats.messagesIn
    const back = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [p])
    // The first render already has the value, and it is the live one (the write while away).
    expect(back.result.status.value).toBe('success')
    expect(back.result.data.value).toBe(5)
    await convex.flush()
    expect(convex.backend.stats.messagesIn).toBe(sent)
    // Still live.
    await convex.client.mutation(api.counter.increment, { name: 'a' })
    await vi.waitFor(() => expect(back.result.data.value).toBe(6))
  })

  it('drops the query gcTime after the last component left', async () => {
    await visit('a', plugin({ gcTime: 40 }))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
  })

  it('a component that comes back takes the query over: it is not dropped under it', async () => {
    const p = plugin({ gcTime: 40 })
    await visit('a', p)
    const back = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [p])
    await new Promise(resolve => setTimeout(resolve, 80))
    expect(convex.backend.subscriptionCount).toBe(1)
    back.unmount()
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
  })

  it('a component without gcTime that takes a kept query over ends it when it leaves', async () => {
    await visit('a', plugin(), 60_000)
    await convex.flush()
    const back = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [plugin()])
    expect(back.result.status.value).toBe('success')
    back.unmount()
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
  })

  it('keeps at most maxIdleQueries, dropping the least recently used', async () => {
    const p = plugin({ gcTime: 60_000, maxIdleQueries: 2 })
    for (const name of ['a', 'b', 'c'])
      await visit(name, p)
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(2))
    const a = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [p])
    expect(a.result.status.value).toBe('pending')
    const c = useSetup(() => useConvexQuery(api.counter.get, { name: 'c' }), [p])
    expect(c.result.status.value).toBe('success')
  })

  it('empties on any auth change: no user sees what was kept for another', async () => {
    const p = plugin({ gcTime: 60_000 })
    const { result: auth } = useSetup(() => useConvexAuth(), [p])
    await visit('a', p)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    auth.setAuth(async () => convex.backend.createToken({ sub: 'user_1' }))
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
    const back = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [p])
    expect(back.result.status.value).toBe('pending')
  })

  it('a per-query gcTime overrides the plugin\'s, and a bad one says what it takes', async () => {
    await visit('a', plugin(), 60_000)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    expect(() => useConvexQuery(api.counter.get, { name: 'a' }, { client: convex.client, gcTime: -1 })).toThrow(/gcTime is how long \(ms\)/)
    expect(() => plugin({ gcTime: Number.NaN })).toThrow(/gcTime is how long \(ms\)/)
    expect(() => plugin({ maxIdleQueries: 1.5 })).toThrow(/maxIdleQueries must be a whole number/)
  })

  it('changing arguments and back renders the earlier arguments\' result at once', async () => {
    const current = ref('a')
    const page = useSetup(() => useConvexQuery(api.counter.get, () => ({ name: current.value }), { gcTime: 60_000 }), [plugin()])
    await vi.waitFor(() => expect(page.result.status.value).toBe('success'))
    current.value = 'b'
    await vi.waitFor(() => expect(page.result.status.value).toBe('success'))
    current.value = 'a'
    await Promise.resolve()
    expect(page.result.status.value).toBe('success')
  })

  it('useConvexQueries keeps a removed key for gcTime', async () => {
    const names = ref(['a', 'b'])
    const p = plugin({ gcTime: 60_000 })
    const page = useSetup(() => useConvexQueries(() => Object.fromEntries(names.value.map(n => [n, { query: api.counter.get, args: { name: n } }]))), [p])
    await vi.waitFor(() => expect(page.result.b?.status).toBe('success'))
    names.value = ['a']
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(2)
    names.value = ['a', 'b']
    expect(page.result.b?.status).toBe('success')
  })

  it('a paginated list that comes back shows the same loaded pages at once, live', async () => {
    for (let i = 0; i < 5; i++)
      await convex.client.mutation(api.messages.send, { author: 'a', body: `m${i}` })
    const p = plugin({ gcTime: 60_000 })
    const first = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [p])
    await vi.waitFor(() => expect(first.result.status.value).toBe('CanLoadMore'))
    first.result.loadMore(2)
    await vi.waitFor(() => expect(first.result.results.value).toHaveLength(4))
    const shown = first.result.results.value.map(m => m.body)
    first.unmount()
    await convex.flush()
    const sent = convex.backend.stats.messagesIn
    const back = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [p])
    expect(back.result.status.value).toBe('CanLoadMore')
    expect(back.result.results.value.map(m => m.body)).toEqual(shown)
    // Another list of the same query meanwhile starts on its own: lists never share pages.
    const other = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [p])
    expect(other.result.status.value).toBe('LoadingFirstPage')
    other.unmount()
    await convex.flush()
    expect(convex.backend.stats.messagesIn).toBeGreaterThan(sent)
    await convex.client.mutation(api.messages.send, { author: 'a', body: 'new' })
    await vi.waitFor(() => expect(back.result.results.value[0]?.body).toBe('new'))
  })
})

describe('prefetchConvexQuery', () => {
  it('from an event handler, warms the query so the component renders it at once', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 3 })
    const p = plugin()
    useSetup(() => null, [p]) // an app with the plugin installed
    // No injection context here, as in a click or hover handler.
    await expect(prefetchConvexQuery(api.counter.get, { name: 'a' })).resolves.toBe(3)
    const page = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [p])
    expect(page.result.data.value).toBe(3)
  })

  it('drops a prefetched query nobody used after its gcTime', async () => {
    await prefetchConvexQuery(api.counter.get, { name: 'a' }, { client: convex.client, gcTime: 30 })
    expect(convex.backend.subscriptionCount).toBe(1)
    // Within seconds, not vi.waitFor's default second: a busy machine may take longer.
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0), { timeout: 20_000 })
  })

  it('rejects with the query\'s error, and says how to give it a client', async () => {
    convex.backend.failNext(api.counter.get, new Error('boom'))
    await expect(prefetchConvexQuery(api.counter.get, { name: 'x' }, { client: convex.client })).rejects.toThrow('boom')
    expect(() => prefetchConvexQuery(api.counter.get, { name: 'a' }, { client: {} })).toThrow(/neither onUpdate\(\) nor query\(\)/)
  })

  it('infers arguments and the result from the reference', () => {
    expectTypeOf(prefetchConvexQuery<typeof api.counter.get>).parameter(1).toEqualTypeOf<{ name: string }>()
    expectTypeOf(prefetchConvexQuery<typeof api.counter.get>).returns.toEqualTypeOf<Promise<number>>()
    // @ts-expect-error the query takes { name: string }
    expectTypeOf(() => prefetchConvexQuery(api.counter.get, { name: 1 })).toBeFunction()
  })
})

describe('the query cache and a closing client', () => {
  it('keeps nothing for a client that is closed, as when the app that made it unmounts', async () => {
    const client = convex.createClient()
    const page = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }, { gcTime: 60_000 }), [createConvexVue({ client })])
    await vi.waitFor(() => expect(page.result.status.value).toBe('success'))
    await client.close()
    page.unmount()
    expect(heldQueries(client)).toEqual([])
  })
})
