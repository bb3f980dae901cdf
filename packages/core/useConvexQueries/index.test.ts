import { describe, expect, it, vi } from 'vitest'
import { nextTick, shallowRef } from 'vue'
import { useConvexQueries } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'

describe('useConvexQueries', () => {
  const convex = useTestConvex()

  it('subscribes to every key and keeps each result live', async () => {
    const { result } = useSetup(() => useConvexQueries({
      a: { query: api.counter.get, args: { name: 'a' } },
      b: { query: api.counter.get, args: { name: 'b' } },
    }), [convex])
    expect(result.a.status).toBe('pending')
    await vi.waitFor(() => expect(result.b.status).toBe('success'))
    expect(result.a.data).toBe(0)
    await convex.client.mutation(api.counter.increment, { name: 'b', by: 5 })
    await vi.waitFor(() => expect(result.b.data).toBe(5))
    expect(result.a.data).toBe(0)
  })

  it('adding or removing a key subscribes or unsubscribes only that key', async () => {
    const queries = shallowRef<Record<string, { query: typeof api.counter.get, args: { name: string } | 'skip' }>>({
      a: { query: api.counter.get, args: { name: 'a' } },
    })
    const { result } = useSetup(() => useConvexQueries(queries), [convex])
    await vi.waitFor(() => expect(result.a.status).toBe('success'))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    const first = result.a
    queries.value = { ...queries.value, b: { query: api.counter.get, args: { name: 'b' } } }
    await vi.waitFor(() => expect(result.b?.status).toBe('success'))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(2)
    expect(result.a).toBe(first) // untouched
    queries.value = { b: queries.value.b }
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    expect('a' in result).toBe(false)
    queries.value = { b: { query: api.counter.get, args: 'skip' } }
    await nextTick()
    expect(result.b.status).toBe('idle')
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('reports a failing query and unusable arguments per key, the others unaffected', async () => {
    convex.backend.failNext(api.counter.get, new Error('boom'))
    const { result } = useSetup(() => useConvexQueries({
      bad: { query: api.counter.get, args: { name: 'x' } },
      unsendable: { query: api.counter.get, args: { name: new Map() as any } },
      good: { query: api.messages.list, args: {} },
    }), [convex])
    expect(result.unsendable.status).toBe('error')
    expect(result.unsendable.error?.message).toMatch(/useConvexQueries\(\): the arguments of "counter:get" cannot be sent/)
    await vi.waitFor(() => expect(result.good.status).toBe('success'))
    await vi.waitFor(() => expect(result.bad.error?.message).toMatch(/boom/))
  })

  it('says what it takes when given something else', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(() => useSetup(() => useConvexQueries(null as any), [convex])).toThrow(/useConvexQueries\(\): expected a record of \{ query, args \} by key/)
    warn.mockRestore()
  })
})
