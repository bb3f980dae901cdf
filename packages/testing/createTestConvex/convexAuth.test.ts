// @vitest-environment node
// Convex Auth 2 (@convex-dev/auth) as its own apps set it up — its component with the username +
// password method (app.use(auth), app.use(authPassword), app.use(authUsername)), and
// convexAuthProvider() in auth.config.ts — through the real client, a backend per test, with no
// setup: sign up, viewer, sign in, refresh, sign out, a wrong password; its tokens are signed
// with the backend's own key and checked against the JWKS it serves.
import type { TestConvex } from '.'
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestConvex } from '.'
import { serveTestConvex } from '../node'
import { api, components, modules, schema } from '../test/convex-auth'

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

function start() {
  convex = createTestConvex({ schema, modules, components, crons: false })
  return convex
}

/** Signs the client in with `token`; resolves with whether the backend accepted it. */
function useToken(token: string): Promise<boolean> {
  return new Promise(resolve => convex.client.setAuth(async () => token, resolve))
}

const ada = { username: 'ada', password: 'correct horse battery staple' }

/** A completed sign-in's tokens (fails the test with the user error otherwise). */
function tokensOf(result: { status: string, tokens?: { accessToken: string, refreshToken: string }, userError?: unknown }) {
  expect(result).toMatchObject({ status: 'complete' })
  return result.tokens!
}

// Two runs, a backend each: each has its own signing key and URLs.
describe.each([1, 2])('convex Auth 2 with the username + password method (backend %i)', () => {
  it('signs up, signs in, refreshes and signs out through the real client', async () => {
    const c = start()
    const signedUp = tokensOf(await c.client.mutation(api.auth.signUpWithUsernamePassword, ada))
    expect(await useToken(signedUp.accessToken)).toBe(true)
    expect(await c.client.query(api.users.viewer, {})).toBe('ada')
    expect(await c.client.query(api.auth.isAuthenticated, {})).toBe(true)
    expect(c.backend.authErrors).toEqual([])

    // A new session by password, then a refresh of it: a new access token and refresh token.
    const signedIn = tokensOf(await c.client.mutation(api.auth.signInWithUsernamePassword, ada))
    const refreshed = await c.client.mutation(api.auth.refreshSession, { refreshToken: signedIn.refreshToken })
    expect(refreshed.kind).toBe('rotated')
    const rotated = refreshed.kind === 'rotated' ? refreshed.tokens : null
    expect(rotated?.refreshToken).not.toBe(signedIn.refreshToken)
    expect(await useToken(rotated!.accessToken)).toBe(true)
    expect(await c.client.query(api.users.viewer, {})).toBe('ada')

    // A wrong password and an unknown user are refused by Convex Auth itself.
    expect(await c.client.mutation(api.auth.signInWithUsernamePassword, { ...ada, password: 'wrong password!' })).toEqual({ status: 'error', userError: { error: 'INVALID_CREDENTIALS' } })
    expect(await c.client.mutation(api.auth.signInWithUsernamePassword, { ...ada, username: 'grace' })).toEqual({ status: 'error', userError: { error: 'USER_NOT_FOUND' } })

    // Signing out ends the session on the server: its refresh token signs no one in, and its
    // still unexpired access token identifies no user.
    await c.client.mutation(api.auth.signOut, { refreshToken: rotated!.refreshToken })
    expect(await c.client.query(api.users.viewer, {})).toBeNull()
    expect(await c.client.query(api.auth.isAuthenticated, {})).toBe(false)
    await expect(c.client.mutation(api.auth.refreshSession, { refreshToken: rotated!.refreshToken })).resolves.toEqual({ kind: 'noSession' })
  }, 60_000)
})

it('signs its tokens with the backend\'s own key, published at /.well-known/jwks.json in-process and served; a forged one is refused', async () => {
  const c = start()
  const server = await serveTestConvex(c.backend)
  // Served: the deployment's URL is the server's, and so are the tokens' issuer and JWKS.
  const { accessToken } = tokensOf(await c.client.mutation(api.auth.signUpWithUsernamePassword, ada))
  const claims = decodeJwt(accessToken)
  expect(claims.iss).toBe(`${server.url}/components/auth`)
  expect(claims.aud).toBe('convex-auth')
  const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json()
  expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' })
  expect(await useToken(accessToken)).toBe(true)
  expect(await c.client.query(api.users.viewer, {})).toBe('ada')

  // The same claims under another signature: refused, with the reason kept.
  const [header, payload] = accessToken.split('.')
  expect(await useToken(`${header}.${payload}.${'A'.repeat(86)}`)).toBe(false)
  expect(c.backend.authErrors.at(-1)).toMatch(/signature/i)
  await server.close()
}, 60_000)
