// @vitest-environment node
// `auth.verify`: the sign-in cookie's token is checked on the server as a deployment checks it —
// against the identity provider's published keys (found through OIDC discovery, or a customJwt
// provider's JWKS URL), its issuer, audience and expiry — before a page renders signed in.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { getConvexToken } from '../src/runtime/server/convex'
import { verifyIssuedToken } from '../src/runtime/server/verify'

// Nuxt's virtual module, as a server route of an app with `auth.cookie` sees it.
vi.mock('#imports', () => ({ useRuntimeConfig: () => ({ public: { convex: { url: 'http://127.0.0.1:3210', auth: { cookie: 'session' } } } }) }))

let server: Server
let issuer: string
let provider: CryptoKeyPair
let stranger: CryptoKeyPair
let discoveries = 0

beforeAll(async () => {
  provider = await generateKeyPair('RS256')
  stranger = await generateKeyPair('RS256')
  const jwk = { ...await exportJWK(provider.publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }
  server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      discoveries++
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }))
    }
    else if (request.url === '/keys' || request.url === '/custom/jwks.json') {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ keys: [jwk] }))
    }
    else {
      response.statusCode = 404
      response.end()
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

/** A token as the provider (or `key`) signs it. */
function token(claims: { iss?: string, aud?: string, exp?: number | null } = {}, key: CryptoKey = provider.privateKey, kid = 'k1') {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject('ada').setIssuer(claims.iss ?? issuer).setAudience(claims.aud ?? 'my-app').setIssuedAt()
  if (claims.exp !== null)
    jwt.setExpirationTime(claims.exp ?? '1h')
  return jwt.sign(key)
}

describe('verifyIssuedToken', () => {
  it('accepts the provider\'s token, its keys found through OIDC discovery once', async () => {
    const good = await token()
    expect(await verifyIssuedToken(good, { issuer, audience: 'my-app' })).toBe(good)
    expect(await verifyIssuedToken(good, { issuer, audience: 'my-app' })).toBe(good)
    expect(discoveries).toBe(1)
  })

  it('refuses a forged, expired, exp-less, another issuer\'s or another audience\'s token, and none', async () => {
    const options = { issuer, audience: 'my-app' }
    expect(await verifyIssuedToken(await token({}, stranger.privateKey), options)).toBeNull()
    expect(await verifyIssuedToken(await token({}, stranger.privateKey, 'other-kid'), options)).toBeNull()
    expect(await verifyIssuedToken(await token({ exp: Math.floor(Date.now() / 1000) - 60 }), options)).toBeNull()
    expect(await verifyIssuedToken(await token({ exp: null }), options)).toBeNull()
    expect(await verifyIssuedToken(await token({ iss: 'https://evil.example' }), options)).toBeNull()
    expect(await verifyIssuedToken(await token({ aud: 'another-app' }), options)).toBeNull()
    const [header, payload] = (await token()).split('.')
    expect(await verifyIssuedToken(`${header}.${payload}.`, options)).toBeNull() // alg none's shape
    expect(await verifyIssuedToken(`${header}.${btoa(JSON.stringify({ sub: 'root', iss: issuer, aud: 'my-app', exp: 2e9 })).replace(/=+$/, '')}.${(await token()).split('.')[2]}`, options)).toBeNull() // payload swapped
    expect(await verifyIssuedToken(null, options)).toBeNull()
    expect(await verifyIssuedToken('not-a-jwt', options)).toBeNull()
  })

  it('takes a customJwt provider\'s JWKS URL', async () => {
    const good = await token()
    expect(await verifyIssuedToken(good, { issuer, jwks: `${issuer}/custom/jwks.json` })).toBe(good)
  })

  it('throws, saying what to check, when the keys cannot be fetched (never a silent sign-out)', async () => {
    const good = await token()
    await expect(verifyIssuedToken(good, { issuer: 'http://127.0.0.1:9' })).rejects.toThrow(/Could not fetch the keys of http:\/\/127\.0\.0\.1:9.*convex\.auth\.verify/)
    await expect(verifyIssuedToken(good, { issuer, jwks: `${issuer}/missing` })).rejects.toThrow(/Could not fetch the keys/)
  })
})

describe('getConvexToken', () => {
  it('gives the token the module checked (auth.verify), and none for a refused cookie', () => {
    const event = (context: object, cookie = 'forged') => ({ context, node: { req: { headers: { cookie: `session=${cookie}` } } }, headers: new Headers({ cookie: `session=${cookie}` }) }) as never
    expect(getConvexToken(event({}))).toBe('forged') // without auth.verify: the cookie as it is
    expect(getConvexToken(event({ convexCookie: { token: 'checked' } }))).toBe('checked')
    expect(getConvexToken(event({ convexCookie: { token: null } }))).toBeNull()
  })
})
