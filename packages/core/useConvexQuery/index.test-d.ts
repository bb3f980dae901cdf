import type { Id } from '../../../docs/convex/_generated/dataModel'
import { describe, expectTypeOf, it } from 'vitest'
import { shallowRef } from 'vue'
import { useConvexQuery } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('useConvexQuery types', () => {
  it('infers the result from the reference', () => {
    const { data, error, status } = useConvexQuery(api.counter.get, { name: 'a' })
    expectTypeOf(data.value).toEqualTypeOf<number | undefined>()
    expectTypeOf(error.value).toEqualTypeOf<Error | null>()
    expectTypeOf(status.value).toEqualTypeOf<'idle' | 'pending' | 'success' | 'error'>()
    const { data: messages } = useConvexQuery(api.messages.list, {})
    expectTypeOf(messages.value).toEqualTypeOf<Array<{ _id: Id<'messages'>, _creationTime: number, author: string, body: string }> | undefined>()
  })

  it('takes arguments as a value, a ref, a getter or skip', () => {
    const name = shallowRef('a')
    useConvexQuery(api.counter.get, name.value ? { name: name.value } : 'skip')
    useConvexQuery(api.counter.get, () => ({ name: name.value }))
    useConvexQuery(api.counter.get, shallowRef({ name: 'b' }))
  })

  it('takes refs inside the arguments, at any depth', () => {
    const name = shallowRef('a')
    useConvexQuery(api.counter.get, { name })
    useConvexQuery(api.messages.list, { limit: shallowRef(3) })
    // @ts-expect-error the ref must hold a string
    useConvexQuery(api.counter.get, { name: shallowRef(1) })
  })

  it('lets arguments be omitted only when the query needs none', () => {
    useConvexQuery(api.users.me)
    useConvexQuery(api.messages.list) // only optional arguments
    // @ts-expect-error counter.get needs { name }
    useConvexQuery(api.counter.get)
    // @ts-expect-error name must be a string
    useConvexQuery(api.counter.get, { name: 1 })
  })

  it('accepts only queries', () => {
    // @ts-expect-error a mutation is not a query
    useConvexQuery(api.messages.send, { author: 'a', body: 'b' })
  })

  it('resolves to the refs when awaited', async () => {
    const { data } = await useConvexQuery(api.counter.get, { name: 'a' })
    expectTypeOf(data.value).toEqualTypeOf<number | undefined>()
  })
})
