// The types of useConvexServer: arguments and results inferred from the function reference,
// and its options checked.
import type { H3Event } from 'h3'
import { describe, expectTypeOf, it } from 'vitest'
import { api } from '../../../docs/convex/_generated/api'
import { useConvexServer } from '../src/runtime/server/convex'

declare const event: H3Event

describe('useConvexServer', () => {
  it('infers arguments and results from the reference', () => {
    const convex = useConvexServer(event, { auth: 'required' })
    expectTypeOf(convex.query(api.counter.get, { name: 'x' })).resolves.toEqualTypeOf<number>()
    expectTypeOf(convex.mutation(api.messages.sendAsMe, { body: 'hi' })).resolves.toHaveProperty('__tableName')
    expectTypeOf(convex.query(api.users.me)).resolves.toEqualTypeOf<{ subject: string, name: string | null } | null>()
    // @ts-expect-error a required argument is missing
    void convex.query(api.counter.get, {})
    // @ts-expect-error a mutation is not a query
    void convex.query(api.messages.sendAsMe, { body: 'hi' })
  })

  it('checks its options', () => {
    useConvexServer(event, { auth: false })
    useConvexServer(event, { token: null })
    // @ts-expect-error not an auth mode
    useConvexServer(event, { auth: 'requird' })
    // @ts-expect-error not an option
    useConvexServer(event, { cookie: 'x' })
  })
})
