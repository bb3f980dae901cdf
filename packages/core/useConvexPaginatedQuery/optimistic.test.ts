// The list helpers for optimistic updates, against live lists of the real client.
import type { Id } from '../../../docs/convex/_generated/dataModel'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { insertAtBottomIfLoaded, insertAtPosition, insertAtTop, optimisticallyUpdateValueInPaginatedQuery, useConvexPaginatedQuery } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'
import { useConvexMutation } from '../useConvexMutation'

const convex = useTestConvex()
beforeEach(async () => {
  await convex.backend.run(async (ctx) => {
    for (let i = 1; i <= 5; i++)
      await ctx.db.insert('messages', { author: 'seed', body: `m${i}` })
  })
})

const bodies = (items: Array<{ body: string }>) => items.map(m => m.body)
const temp = (body: string, creation: number) => ({ _id: `temp-${body}` as Id<'messages'>, _creationTime: creation, author: 'you', body })

async function list(initialNumItems: number, pages = 1) {
  const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems }), [convex])
  await vi.waitFor(() => expect(result.isLoading.value).toBe(false))
  for (let i = 1; i < pages; i++) {
    result.loadMore(initialNumItems)
    await vi.waitFor(() => expect(result.isLoading.value).toBe(false))
  }
  return result
}

describe('optimistic list helpers', () => {
  it('insertAtTop shows the item first at once, then the server\'s', async () => {
    const messages = await list(2)
    const { result: send } = useSetup(() => useConvexMutation(api.messages.send, {
      optimisticUpdate: (localQueryStore, args) => insertAtTop({ paginatedQuery: api.messages.page, localQueryStore, item: temp(args.body, Date.now()) }),
    }), [convex])
    convex.backend.setLatency(api.messages.send, 30)
    const done = send.execute({ author: 'you', body: 'new' })
    expect(bodies(messages.results.value)).toEqual(['new', 'm5', 'm4'])
    expect(messages.results.value[0]._id).toBe('temp-new')
    await done
    await convex.flush()
    expect(bodies(messages.results.value).slice(0, 3)).toEqual(['new', 'm5', 'm4'])
    expect(messages.results.value[0]._id).not.toBe('temp-new')
  })

  it('insertAtBottomIfLoaded adds only to a list whose last page is loaded', async () => {
    const short = await list(2)
    const whole = await list(10)
    const { result: send } = useSetup(() => useConvexMutation(api.messages.send, {
      optimisticUpdate: (localQueryStore, args) => insertAtBottomIfLoaded({ paginatedQuery: api.messages.page, localQueryStore, item: temp(args.body, 0) }),
    }), [convex])
    convex.backend.setLatency(api.messages.send, 30)
    const done = send.execute({ author: 'you', body: 'last' })
    expect(bodies(whole.results.value)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1', 'last'])
    expect(bodies(short.results.value)).toEqual(['m5', 'm4'])
    await done
  })

  it('insertAtPosition puts the item where the server sorts it, across pages', async () => {
    const messages = await list(2, 3)
    const m3 = messages.results.value.find(m => m.body === 'm3')!
    const m2 = messages.results.value.find(m => m.body === 'm2')!
    const { result: send } = useSetup(() => useConvexMutation(api.messages.send, {
      optimisticUpdate: (localQueryStore, args) => insertAtPosition({
        paginatedQuery: api.messages.page,
        localQueryStore,
        sortOrder: 'desc',
        sortKeyFromItem: m => m._creationTime,
        item: temp(args.body, (m3._creationTime + m2._creationTime) / 2),
      }),
    }), [convex])
    convex.backend.setLatency(api.messages.send, 30)
    const done = send.execute({ author: 'you', body: 'between' })
    expect(bodies(messages.results.value)).toEqual(['m5', 'm4', 'm3', 'between', 'm2', 'm1'])
    await done
  })

  it('optimisticallyUpdateValueInPaginatedQuery changes loaded items in place', async () => {
    const messages = await list(3, 2)
    const { result: edit } = useSetup(() => useConvexMutation(api.messages.send, {
      optimisticUpdate: (localStore, args) => optimisticallyUpdateValueInPaginatedQuery(localStore, api.messages.page, {}, m => (m.body === 'm2' ? { ...m, body: args.body } : m)),
    }), [convex])
    convex.backend.setLatency(api.messages.send, 30)
    const done = edit.execute({ author: 'you', body: 'edited' })
    expect(bodies(messages.results.value)).toEqual(['m5', 'm4', 'm3', 'edited', 'm1'])
    await done
    await convex.flush()
    expect(bodies(messages.results.value)).toContain('m2') // the server's value replaced the guess
  })
})
