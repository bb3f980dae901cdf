import { ConvexError } from 'convex/values'
import { describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, reactive, shallowRef } from 'vue'
import { useConvexQuery } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'
import { useConvexAuth } from '../useConvexAuth'
import { createConvexVue } from '../useConvexClient'

const convex = useTestConvex()

describe('useConvexQuery', () => {
  it('goes from pending to the live result, and follows later writes', async () => {
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: 'a' }), [convex])
    expect(result.status.value).toBe('pending')
    expect(result.pending.value).toBe(true)
    expect(result.data.value).toBeUndefined()
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    expect(result.status.value).toBe('success')
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 5 })
    await vi.waitFor(() => expect(result.data.value).toBe(5))
  })

  it('returns plain refs: spread, destructured late or awaited, each is the same live ref', async () => {
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'spread' }, { client: convex.client }))!
    // A component may return `{ ...query }` from setup: every ref is copied.
    const copy = { ...query }
    expect(Object.keys(copy)).toEqual(['data', 'error', 'status', 'pending', 'isStale', 'source', 'then'])
    expect(copy.status).toBe(query.status)
    expect(copy.status.value).toBe('pending')
    const awaited = await query
    expect('then' in awaited).toBe(false)
    expect(awaited.status).toBe(query.status)
    expect(awaited.data.value).toBe(0)
    // A ref first read after the result arrived still follows the query.
    expect(query.source.value).toBe('live')
    expect(query.isStale.value).toBe(false)
    await convex.client.mutation(api.counter.increment, { name: 'spread', by: 2 })
    await vi.waitFor(() => expect(copy.data.value).toBe(2))
    expect(query.pending.value).toBe(false)
    scope.stop()
  })

  it('is awaitable: resolves once the first result is there', async () => {
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'b', value: 3 }))
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'b' }, { client: convex.client }))!
    const { data } = await query
    expect(data.value).toBe(3)
    scope.stop()
  })

  it('re-subscribes when the arguments change, and not when they are merely equal', async () => {
    const onUpdate = vi.spyOn(convex.client, 'onUpdate')
    const args = shallowRef({ name: 'x' })
    await convex.client.mutation(api.counter.increment, { name: 'y', by: 2 })
    const { result } = useSetup(() => useConvexQuery(api.counter.get, args), [convex])
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    args.value = { name: 'x' }
    await nextTick()
    expect(onUpdate).toHaveBeenCalledTimes(1)
    args.value = { name: 'y' }
    await nextTick()
    expect(result.status.value).toBe('pending')
    expect(result.data.value).toBeUndefined()
    await vi.waitFor(() => expect(result.data.value).toBe(2))
    expect(onUpdate).toHaveBeenCalledTimes(2)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
  })

  it('follows arguments that are reactive objects, at the top or nested in plain ones', async () => {
    const top = reactive({ value: 'a' })
    const nested = { value: reactive({ name: 'a' }) }
    const { result } = useSetup(() => ({
      top: useConvexQuery(api.reliability.echoQuery, top),
      nested: useConvexQuery(api.reliability.echoQuery, nested),
      plain: useConvexQuery(api.reliability.echoQuery, { value: 'p' }),
    }), [convex])
    await vi.waitFor(() => expect([result.top.data.value, result.nested.data.value, result.plain.data.value]).toEqual(['a', { name: 'a' }, 'p']))
    top.value = 'b'
    nested.value.name = 'b'
    await vi.waitFor(() => expect([result.top.data.value, result.nested.data.value]).toEqual(['b', { name: 'b' }]))
  })

  it('keeps the previous result while new arguments load with keepPreviousData', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'p', by: 1 })
    convex.backend.setLatency(50)
    const name = shallowRef('p')
    const { result } = useSetup(() => useConvexQuery(api.counter.get, () => ({ name: name.value }), { keepPreviousData: true }), [convex])
    await vi.waitFor(() => expect(result.data.value).toBe(1))
    name.value = 'q'
    await nextTick()
    expect(result.data.value).toBe(1)
    expect(result.isStale.value).toBe(true)
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    expect(result.isStale.value).toBe(false)
  })

  it('is idle and unsubscribed while skipped', async () => {
    const enabled = shallowRef(false)
    const { result } = useSetup(() => useConvexQuery(api.counter.get, () => (enabled.value ? { name: 's' } : 'skip')), [convex])
    expect(result.status.value).toBe('idle')
    expect(result.pending.value).toBe(false)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
    enabled.value = true
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    enabled.value = false
    await nextTick()
    expect(result.status.value).toBe('idle')
    expect(result.data.value).toBeUndefined()
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('shares one server subscription between components, and renders a cached result at once', async () => {
    const first = useSetup(() => useConvexQuery(api.messages.list, {}), [convex])
    await vi.waitFor(() => expect(first.result.data.value).toEqual([]))
    const second = useSetup(() => useConvexQuery(api.messages.list, {}), [convex])
    // No loading flash: the client already holds this result.
    expect(second.result.status.value).toBe('success')
    expect(second.result.data.value).toEqual([])
    const third = useSetup(() => useConvexQuery(api.messages.list, {}), [convex])
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    first.unmount()
    second.unmount()
    third.unmount()
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('reports a failing query as an error with its ConvexError data, and recovers', async () => {
    convex.backend.failNext(api.counter.get, new ConvexError({ code: 'forbidden' }))
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: 'e' }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('error'))
    expect(result.error.value).toBeInstanceOf(ConvexError)
    expect((result.error.value as ConvexError<{ code: string }>).data.code).toBe('forbidden')
    await convex.client.mutation(api.counter.increment, { name: 'e' })
    await vi.waitFor(() => expect(result.data.value).toBe(1))
    expect(result.error.value).toBeNull()
  })

  it('awaiting a failing query rejects with its error', async () => {
    convex.backend.failNext(api.counter.get, new ConvexError('nope'))
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'r' }, { client: convex.client }))!
    await expect(query).rejects.toBeInstanceOf(ConvexError)
    scope.stop()
  })

  it('turns arguments Convex cannot send into an error that names the composable', async () => {
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: new Map() as any }), [convex])
    expect(result.status.value).toBe('error')
    expect(result.error.value?.message).toMatch(/useConvexQuery\(\): the arguments of "counter:get" cannot be sent/)
  })

  it('resumes with fresh data after the connection drops', async () => {
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: 'd' }), [convex])
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    convex.backend.setOnline(false)
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'd', value: 9 }))
    convex.backend.setOnline(true)
    await vi.waitFor(() => expect(result.data.value).toBe(9), { timeout: 5000 })
  })

  it('stops listening when the component unmounts', async () => {
    const { result, unmount } = useSetup(() => useConvexQuery(api.counter.get, { name: 'u' }), [convex])
    await vi.waitFor(() => expect(result.data.value).toBe(0))
    unmount()
    await convex.client.mutation(api.counter.increment, { name: 'u' })
    await convex.flush()
    expect(result.data.value).toBe(0)
    expect(convex.backend.subscriptionCount).toBe(0)
  })
})

describe('useConvexQuery hydration', () => {
  it('shows the server-rendered result at once, then the live one', async () => {
    const plugin = createConvexVue({
      client: convex.client,
      initialState: { queries: { 'counter:get:{"name":"h"}': 5 } },
    })
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'h', value: 6 }))
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: 'h' }), [plugin])
    expect(result.status.value).toBe('success')
    expect(result.data.value).toBe(5)
    await vi.waitFor(() => expect(result.data.value).toBe(6))
  })
})

describe('useConvexQuery awaiting', () => {
  const convex = useTestConvex()

  it('does not leave an await hanging when the scope is disposed first', async () => {
    convex.backend.setLatency(api.counter.get, 1000)
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'gone' }, { client: convex.client }))!
    const awaited = Promise.resolve(query).then(({ data }) => data.value)
    scope.stop()
    await expect(awaited).resolves.toBeUndefined()
  })
})

describe('useConvexQuery hydration data is used once', () => {
  const convex = useTestConvex()
  const KEY = 'counter:get:{"name":"once"}'

  it('serves the hydrating render only: a query mounted later waits for the live value', async () => {
    const plugin = createConvexVue({ client: convex.client, initialState: { queries: { [KEY]: 5 } } })
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'once', value: 6 }))
    // Two components of the same render share the rendered result.
    const first = useSetup(() => useConvexQuery(api.counter.get, { name: 'once' }), [plugin])
    const twin = useSetup(() => useConvexQuery(api.counter.get, { name: 'once' }), [plugin])
    expect(first.result.data.value).toBe(5)
    expect(twin.result.data.value).toBe(5)
    first.unmount()
    twin.unmount()
    await new Promise(resolve => setTimeout(resolve, 0))
    // Mounted later, with no live value in the client yet: pending, never the server's 5.
    convex.backend.setLatency(api.counter.get, 50)
    const later = useSetup(() => useConvexQuery(api.counter.get, { name: 'once' }), [plugin])
    expect(later.result.data.value).toBeUndefined()
    expect(later.result.status.value).toBe('pending')
    await vi.waitFor(() => expect(later.result.data.value).toBe(6))
    expect(plugin.state.queries).toEqual({})
  })

  it('drops every server-rendered result when the user changes (sign-out included)', async () => {
    const plugin = createConvexVue({ client: convex.client, initialState: { queries: { [KEY]: 5, 'other:q:{}': 1 } } })
    const { result } = useSetup(() => useConvexAuth(), [plugin])
    result.clearAuth()
    expect(plugin.state.queries).toEqual({})
    convex.backend.setLatency(api.counter.get, 50)
    const later = useSetup(() => useConvexQuery(api.counter.get, { name: 'once' }), [plugin])
    expect(later.result.data.value).toBeUndefined()
  })
})
