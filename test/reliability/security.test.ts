import { createConvexVue, useConvexAction, useConvexAuth } from '@vueuse-convex/core'
// Auth-guarded functions, tokens kept out of logs and errors, ConvexError data intact,
// and no server stack traces beyond what the client itself reports.
import { createTestConvex, createTestToken } from '@vueuse-convex/testing'
import { ConvexError } from 'convex/values'
import { describe, expect, it, vi } from 'vitest'
import { api, modules, schema } from '../../docs/backend'
import { useSetup } from '../../packages/core/_test'
import { useTestConvex } from './helpers'

describe('security', () => {
  const convex = useTestConvex()

  it('a function that requires auth fails without an identity and succeeds with one', async () => {
    const { result } = useSetup(() => useConvexAction(api.users.secret), [convex])
    const denied = await result.execute().catch(e => e)
    expect(denied).toBeInstanceOf(ConvexError)
    expect(denied.data).toEqual({ code: 'unauthenticated', message: 'Sign in to see the secret.' })
    convex.backend.setIdentity({ subject: 'user_7' })
    await expect(result.execute()).resolves.toBe('The secret for user_7 is 42.')
  })

  it('never writes a token to the console or into an error, even when the client logs', async () => {
    const lines: string[] = []
    const record = (...args: unknown[]) => void lines.push(args.map(a => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '))
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map(m => vi.spyOn(console, m).mockImplementation(record))
    const noisy = createTestConvex({ schema, modules, clientOptions: { logger: true } })
    try {
      const expired = createTestToken({ sub: 'user_x', expiresIn: -30 })
      const valid = createTestToken({ sub: 'user_y' })
      const plugin = createConvexVue({ client: noisy.client, auth: async () => expired })
      const { result } = useSetup(() => ({ auth: useConvexAuth(), secret: useConvexAction(api.users.secret) }), [plugin])
      await vi.waitFor(() => expect(result.auth.isLoading.value).toBe(false))
      expect(result.auth.isAuthenticated.value).toBe(false)
      const error = await result.secret.execute().catch(e => e)
      result.auth.setAuth(async () => valid)
      await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true))
      const everything = [...lines, String(error?.message), String(error?.stack)].join('\n')
      expect(lines.length).toBeGreaterThan(0) // the client did log: the check below means something
      for (const token of [expired, valid]) {
        expect(everything).not.toContain(token)
        expect(everything).not.toContain(token.split('.')[1]) // not even the payload
      }
    }
    finally {
      await noisy.close()
      spies.forEach(s => s.mockRestore())
    }
  })

  it('passes ConvexError data from the server through untouched', async () => {
    const data = { code: 'quota', nested: { list: [1, 'two', null, true, { deep: 3.5 }] }, count: 10n, bytes: new Uint8Array([1, 2, 255]).buffer }
    const { result } = useSetup(() => useConvexAction(api.reliability.failWith), [convex])
    const error = await result.execute({ data }).catch(e => e)
    expect(error).toBeInstanceOf(ConvexError)
    expect(error.data).toEqual(data)
    expect(result.error.value).toBe(error)
  })

  it('does not leak server stack traces in other errors', async () => {
    const { result } = useSetup(() => useConvexAction(api.ai.crash), [convex])
    const error = await result.execute().catch(e => e)
    expect(error.message).toContain('The model crashed')
    expect(error.message).not.toMatch(/\n\s+at /) // no stack frames from the server
    expect(error.message).not.toContain('docs/convex')
  })
})
