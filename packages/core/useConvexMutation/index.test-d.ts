import type { Id } from '../../../docs/convex/_generated/dataModel'
import { describe, expectTypeOf, it } from 'vitest'
import { useConvexMutation } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('useConvexMutation types', () => {
  it('infers arguments and result', () => {
    const { execute, data } = useConvexMutation(api.messages.send)
    expectTypeOf(execute).parameters.toEqualTypeOf<[{ author: string, body: string }]>()
    expectTypeOf(execute).returns.resolves.toEqualTypeOf<Id<'messages'>>()
    expectTypeOf(data.value).toEqualTypeOf<Id<'messages'> | undefined>()
    // @ts-expect-error body is required
    void execute({ author: 'a' })
  })

  it('types the optimistic update from the reference', () => {
    useConvexMutation(api.counter.increment, {
      optimisticUpdate(localStore, args) {
        expectTypeOf(args).toEqualTypeOf<{ name: string, by?: number }>()
        const current = localStore.getQuery(api.counter.get, { name: args.name })
        expectTypeOf(current).toEqualTypeOf<number | undefined>()
        localStore.setQuery(api.counter.get, { name: args.name }, (current ?? 0) + (args.by ?? 1))
      },
    }).withOptimisticUpdate((_localStore, args) => {
      expectTypeOf(args.name).toEqualTypeOf<string>()
    })
  })

  it('accepts only mutations, and is called with no arguments when there are none', () => {
    void useConvexMutation(api.messages.clear).execute()
    // @ts-expect-error an action is not a mutation
    useConvexMutation(api.ai.generate)
  })
})
