import { describe, expectTypeOf, it } from 'vitest'
import { useConvexAuthActions } from '.'
import { api } from '../../testing/test/convex-auth'

describe('useConvexAuthActions', () => {
  it('types a sign-in by its function: its arguments, and its result with the method\'s own errors', async () => {
    const { signIn } = useConvexAuthActions({ api: api.auth })
    const result = await signIn(api.auth.signInWithUsernamePassword, { username: 'ada', password: 'secret' })
    if (result.status === 'error')
      expectTypeOf(result.userError.error).toEqualTypeOf<'USER_NOT_FOUND' | 'INVALID_CREDENTIALS' | 'RATE_LIMITED' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'PASSWORD_HAS_SURROUNDING_WHITESPACE'>()
    else
      expectTypeOf(result.tokens).toHaveProperty('accessToken').toEqualTypeOf<string>()
    // @ts-expect-error the method's arguments are checked
    void signIn(api.auth.signUpWithUsernamePassword, { email: 'ada@example.com', password: 'secret' })
    // @ts-expect-error only functions that start a session are sign-in functions
    void signIn(api.users.viewer, {})
    // @ts-expect-error the session functions are passed as references
    useConvexAuthActions({ api: { refreshSession: 'auth:refreshSession' } })
  })
})
