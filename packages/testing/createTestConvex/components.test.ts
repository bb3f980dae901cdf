// @vitest-environment node
// Convex components as an app uses them: registered through their `/test` entries (whatever
// their helpers are named), with the components they nest, and with `.wasm` code.
import * as passwordNamespace from '@convex-dev/auth/components/password/test'
import passwordTest from '@convex-dev/auth/components/password/test'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestConvex } from '.'
import { api, modules } from '../test/components-nested'

let convex: ReturnType<typeof createTestConvex> | undefined
afterEach(async () => {
  await convex?.close()
  expect(convex?.backend.internalErrors ?? []).toEqual([])
  convex = undefined
})

describe('components registered through their /test entries', () => {
  it('registers a component with its nested ones through a helper named register…, and runs its .wasm hashing', async () => {
    // @convex-dev/auth's password entry exports registerPassword, which also registers its
    // rate limiter as authPassword/rateLimiter.
    convex = createTestConvex({ modules, components: { authPassword: passwordTest } })
    expect(await convex.client.mutation(api.passwords.set, { user: 'ada', password: 'correct horse battery' })).toEqual({ success: true })
    expect(await convex.client.mutation(api.passwords.verify, { user: 'ada', password: 'correct horse battery' })).toEqual({ success: true })
    expect(await convex.client.mutation(api.passwords.verify, { user: 'ada', password: 'wrong horse battery' })).toEqual({ success: false, userError: { error: 'INVALID_CREDENTIALS' } })
    // The nested rate limiter holds state of its own: a token bucket of 5 attempts.
    for (let i = 0; i < 3; i++)
      await convex.client.mutation(api.passwords.verify, { user: 'ada', password: 'wrong horse battery' })
    const limited = await convex.client.mutation(api.passwords.verify, { user: 'ada', password: 'correct horse battery' })
    expect(limited).toMatchObject({ success: false, userError: { error: 'RATE_LIMITED' } })
  })

  it('takes the module namespace of a /test entry too', async () => {
    convex = createTestConvex({ modules, components: { authPassword: passwordNamespace } })
    expect(await convex.client.mutation(api.passwords.set, { user: 'bo', password: 'correct horse battery' })).toEqual({ success: true })
  })

  it('asks which helper to use when an entry has several', () => {
    const several = { ...passwordTest, registerOther: () => {} }
    expect(() => createTestConvex({ modules, components: { authPassword: several } })).toThrow(/several registering helpers \(registerPassword, registerOther\)/)
  })
})
