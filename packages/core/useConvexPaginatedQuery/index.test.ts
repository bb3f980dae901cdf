import { beforeEach, describe, expect, it, vi } from 'vitest'
import { shallowRef } from 'vue'
import { useConvexPaginatedQuery } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'

const convex = useTestConvex()
beforeEach(async () => {
  await convex.backend.run(async (ctx) => {
    for (let i = 1; i <= 7; i++)
      await ctx.db.insert('messages', { author: i % 2 ? 'odd' : 'even', body: `m${i}` })
  })
})

const bodies = (items: Array<{ body: string }>) => items.map(m => m.body)

describe('useConvexPaginatedQuery', () => {
  it('loads the first page, then more on demand, until exhausted', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 3 }), [convex])
    expect(result.status.value).toBe('LoadingFirstPage')
    expect(result.isLoading.value).toBe(true)
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    expect(bodies(result.results.value)).toEqual(['m7', 'm6', 'm5'])
    expect(result.loadMore(3)).toBe(true)
    expect(result.status.value === 'LoadingMore' || result.results.value.length === 6).toBe(true)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(6))
    result.loadMore(3)
    await vi.waitFor(() => expect(result.status.value).toBe('Exhausted'))
    expect(bodies(result.results.value)).toEqual(['m7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1'])
    expect(result.loadMore(1)).toBe(false)
  })

  it('keeps loaded pages live and gapless when items are added', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [convex])
    await vi.waitFor(() => expect(result.results.value).toHaveLength(2))
    result.loadMore(2)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(4))
    await convex.client.mutation(api.messages.send, { author: 'new', body: 'm8' })
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m8', 'm7', 'm6', 'm5', 'm4']))
  })

  it('starts over when the arguments change', async () => {
    const author = shallowRef<string | undefined>('odd')
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, () => ({ author: author.value }), { initialNumItems: 10 }), [convex])
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m7', 'm5', 'm3', 'm1']))
    author.value = 'even'
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m6', 'm4', 'm2']))
    expect(result.status.value).toBe('Exhausted')
  })

  it('says what initialNumItems must be', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}) // Vue reports the setup error too
    expect(() => useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 0 }), [convex]))
      .toThrowError(/initialNumItems must be a positive whole number/)
    warn.mockRestore()
  })
})
