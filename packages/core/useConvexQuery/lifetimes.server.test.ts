// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useConvexQuery } from '.'
import { api } from '../../../docs/backend'
import { cacheEntries, heldQueries } from '../_internal/cache'
import { useTestConvex } from '../_test'

const convex = useTestConvex()

describe('lifetimes on the server', () => {
  it('keeps nothing and arms no timer: one request\'s data never outlives it', async () => {
    const scope = effectScope()
    const q = scope.run(() => useConvexQuery(api.counter.get, { name: 'a' }, { client: convex.client, keepAliveMs: 60_000, gcTimeMs: 60_000 }))!
    await vi.waitFor(() => expect(q.status.value).toBe('success'))
    const timers = vi.spyOn(globalThis, 'setTimeout')
    scope.stop()
    expect(timers.mock.calls.filter(([, ms]) => ms === 60_000)).toEqual([])
    timers.mockRestore()
    expect(heldQueries(convex.client)).toEqual([])
    expect(cacheEntries(convex.client)).toEqual([])
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
  })
})
