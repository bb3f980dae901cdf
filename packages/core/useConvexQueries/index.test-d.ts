import { describe, expectTypeOf, it } from 'vitest'
import { useConvexQueries } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('useConvexQueries types', () => {
  it('types each key\'s result from its query', () => {
    const results = useConvexQueries({
      count: { query: api.counter.get, args: { name: 'a' } },
      me: { query: api.users.me, args: 'skip' },
    })
    expectTypeOf(results.count.data).toEqualTypeOf<number | undefined>()
    expectTypeOf(results.count.error).toEqualTypeOf<Error | null>()
    useConvexQueries({
      // @ts-expect-error name must be a string
      count: { query: api.counter.get, args: { name: 1 } },
    })
    expectTypeOf(results.count.status).toEqualTypeOf<'idle' | 'pending' | 'success' | 'error'>()
  })
})
