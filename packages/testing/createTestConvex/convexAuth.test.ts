// @vitest-environment node
// Convex Auth (@convex-dev/auth) as its own apps set it up — convexAuth({ providers: [Password] }),
// auth.config.ts on CONVEX_SITE_URL, its HTTP routes — through the real client, a backend per
// test: sign up, sign in, refresh, sign out, and the /.well-known routes its tokens are checked with.
import type { TestConvex } from '.'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestConvex } from '.'
import { serveTestConvex } from '../node'
import { api, convexAuthKeys, modules, schema } from '../test/convex-auth'

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

async function start() {
  convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
  return convex
}

/** Signs the client in with `token`; resolves with whether the backend accepted it. */
function useToken(token: string): Promise<boolean> {
  return new Promise(resolve => convex.client.setAuth(async () => token, resolve))
}

const password = { email: 'ada@example.com', password: 'correct horse battery staple' }

// Two runs, a backend each: each reads auth.config.ts with its own CONVEX_SITE_URL.
describe.each([1, 2])('convex Auth with the Password provider (backend %i)', () => {
  it('signs up, signs in, refreshes and signs out through the real client', async () => {
    const c = await start()
    const signedUp = await c.client.action(api.auth.signIn, { provider: 'password', params: { ...password, flow: 'signUp' } })
    expect(signedUp.tokens?.token).toEqual(expect.any(String))
    expect(await useToken(signedUp.tokens!.token)).toBe(true)
    expect(await c.client.query(api.users.viewer, {})).toBe(password.email)
    expect(c.backend.authErrors).toEqual([])

    // A new session by password, then a refresh of it.
    const signedIn = await c.client.action(api.auth.signIn, { provider: 'password', params: { ...password, flow: 'signIn' } })
    const refreshed = await c.client.action(api.auth.signIn, { refreshToken: signedIn.tokens!.refreshToken })
    expect(refreshed.tokens?.token).toEqual(expect.any(String))
    expect(await useToken(refreshed.tokens!.token)).toBe(true)
    expect(await c.client.query(api.users.viewer, {})).toBe(password.email)

    // A wrong password is refused by Convex Auth itself.
    await expect(c.client.action(api.auth.signIn, { provider: 'password', params: { ...password, password: 'wrong', flow: 'signIn' } })).rejects.toThrow(/InvalidSecret/)

    await c.client.action(api.auth.signOut, {})
    await c.signOut() // the client forgets its token, as Convex Auth's client does
    expect(await c.client.query(api.users.viewer, {})).toBeNull()
    // The session is gone on the server too: its refresh token no longer signs anyone in.
    await expect(c.client.action(api.auth.signIn, { refreshToken: refreshed.tokens!.refreshToken })).resolves.toEqual({ tokens: null })
  }, 30_000)
})

it('serves the /.well-known routes its tokens are checked with, at the site URL, in-process and served', async () => {
  const c = await start()
  const inProcess = c.backend.siteUrl
  const server = await serveTestConvex(c.backend)
  for (const siteUrl of [inProcess, server.siteUrl]) {
    const config = await (await fetch(`${siteUrl}/.well-known/openid-configuration`)).json()
    expect(config.issuer).toBe(c.backend.siteUrl) // what functions see: the served URL while served
    expect(config.jwks_uri).toBe(`${c.backend.siteUrl}/.well-known/jwks.json`)
    const jwks = await (await fetch(config.jwks_uri)).json()
    expect(jwks.keys[0].kty).toBe('RSA')
  }
  // Served: tokens are issued by the served site URL, and checked against its JWKS.
  const signedUp = await c.client.action(api.auth.signIn, { provider: 'password', params: { ...password, flow: 'signUp' } })
  expect(JSON.parse(atob(signedUp.tokens!.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).iss).toBe(server.siteUrl)
  expect(await useToken(signedUp.tokens!.token)).toBe(true)
  expect(await c.client.query(api.users.viewer, {})).toBe(password.email)
  // A token of this app with its payload swapped is refused: the JWKS check is real.
  const [header, payload, signature] = signedUp.tokens!.token.split('.')
  const forged = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')))
  forged.sub = `someone-else${forged.sub.slice(forged.sub.indexOf('|'))}`
  const forgedToken = `${header}.${btoa(JSON.stringify(forged)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.${signature}`
  expect(await useToken(forgedToken)).toBe(false)
  expect(c.backend.authErrors.at(-1)).toMatch(/Could not verify the token's signature/)
  await server.close()
}, 30_000)
