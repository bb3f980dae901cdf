import type { Id } from '../../../docs/convex/_generated/dataModel'
import { describe, expectTypeOf, it } from 'vitest'
import { useConvexPaginatedQuery } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('useConvexPaginatedQuery types', () => {
  it('infers the item type and leaves paginationOpts to the composable', () => {
    const { results, status, loadMore } = useConvexPaginatedQuery(api.messages.page, { author: 'a' }, { initialNumItems: 5 })
    expectTypeOf(results.value).toEqualTypeOf<Array<{ _id: Id<'messages'>, _creationTime: number, author: string, body: string }>>()
    expectTypeOf(status.value).toEqualTypeOf<'LoadingFirstPage' | 'CanLoadMore' | 'LoadingMore' | 'Exhausted' | 'Error'>()
    expectTypeOf(loadMore).toEqualTypeOf<(numItems: number) => boolean>()
  })

  it('rejects queries that do not paginate', () => {
    // @ts-expect-error counter.get takes no paginationOpts
    useConvexPaginatedQuery(api.counter.get, { name: 'a' }, { initialNumItems: 5 })
  })
})
