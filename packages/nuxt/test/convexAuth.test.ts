// @vitest-environment node
// The Nuxt module's check of a Convex Auth 2 access token, before a page renders: only a token
// the deployment signed for Convex Auth (its issuer and audience), and not expired, is a user.
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestConvex } from '../../testing/createTestConvex'
import { serveTestConvex } from '../../testing/node'
import { api, components, modules, schema } from '../../testing/test/convex-auth'
import { verifyConvexAuthToken } from '../src/runtime/server/verify'

let convex: ReturnType<typeof createTestConvex>
let server: Awaited<ReturnType<typeof serveTestConvex>>
let deploymentKey: CryptoKey
let url: string

beforeAll(async () => {
  // The deployment's own key, known here so the test can sign what the deployment would not.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  deploymentKey = privateKey
  convex = createTestConvex({ schema, modules, components, crons: false, signingKey: await exportJWK(privateKey) })
  server = await serveTestConvex(convex.backend)
  url = server.url
})

afterAll(async () => {
  await server?.close()
  await convex?.close()
})

/** A token with Convex Auth's claims, changed by `claims`, signed by `key`. */
async function token(claims: Record<string, unknown> = {}, key: CryptoKey = deploymentKey, expiresIn = '1m') {
  const jwks = await (await fetch(`${url}/.well-known/jwks.json`)).json() as { keys: Array<{ kid?: string }> }
  return new SignJWT({ sub: 'session', iss: `${url}/components/auth`, aud: 'convex-auth', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0]!.kid })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key)
}

describe('verifyConvexAuthToken', () => {
  it('accepts the token of a real sign-in, and what the deployment signed for Convex Auth', async () => {
    const result = await convex.client.mutation(api.auth.signUpWithUsernamePassword, { username: 'ada', password: 'correct horse battery staple' })
    const accessToken = result.status === 'complete' ? result.tokens.accessToken : ''
    expect(await verifyConvexAuthToken(url, accessToken)).toBe(accessToken)
    const own = await token()
    expect(await verifyConvexAuthToken(url, own)).toBe(own)
  })

  it('refuses another key\'s signature, another issuer or audience, an expired token, and none', async () => {
    const { privateKey: attacker } = await generateKeyPair('ES256')
    expect(await verifyConvexAuthToken(url, await token({}, attacker))).toBeNull()
    expect(await verifyConvexAuthToken(url, await token({ iss: `${url}/components/authPassword` }))).toBeNull()
    expect(await verifyConvexAuthToken(url, await token({ aud: 'convex' }))).toBeNull()
    expect(await verifyConvexAuthToken(url, await token({}, deploymentKey, '-1m'))).toBeNull()
    expect(await verifyConvexAuthToken(url, 'not-a-jwt')).toBeNull()
    expect(await verifyConvexAuthToken(url, null)).toBeNull()
  })
})
