// @vitest-environment node
// Liveness is decided by the client, not by `typeof window`: in Node (where "use node" SDKs
// refuse browser-like globals) the composables stay live on a ConvexClient.
import { useConvexPaginatedQuery, useConvexQuery } from '@vueuse-convex/core'
import { createTestConvex } from '@vueuse-convex/testing'
import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { api, modules, schema } from '../../docs/backend'

describe('in Node, without a window', () => {
  it('useConvexQuery and useConvexPaginatedQuery stay live', async () => {
    expect(typeof window).toBe('undefined')
    const convex = createTestConvex({ schema, modules })
    const { client } = convex
    const scope = effectScope()
    const { count, list } = scope.run(() => ({
      count: useConvexQuery(api.counter.get, { name: 'n' }, { client }),
      list: useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2, client }),
    }))!
    await vi.waitFor(() => expect(count.data.value).toBe(0))
    await client.mutation(api.counter.increment, { name: 'n' })
    await vi.waitFor(() => expect(count.data.value).toBe(1))
    await vi.waitFor(() => expect(list.status.value).toBe('Exhausted'))
    await client.mutation(api.messages.send, { author: 'a', body: 'live' })
    await vi.waitFor(() => expect(list.results.value.map(m => m.body)).toEqual(['live']))
    scope.stop()
    await convex.close()
  })
})
