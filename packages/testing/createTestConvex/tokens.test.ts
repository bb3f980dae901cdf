// @vitest-environment node
// Tokens are checked as a deployment checks them (jose): a token is accepted only when signed with
// its provider's keys — inline, served by the backend itself (Convex Auth: ctx.auth.signJwt's key),
// or found through an OIDC provider's openid-configuration — or, in the test kit only, the
// published test key; expiry and nbf are honoured, and every refusal has a reason.
import type { TestConvex } from '.'
import process from 'node:process'
import { httpActionGeneric, httpRouter, makeFunctionReference, mutationGeneric } from 'convex/server'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, expect, it } from 'vitest'
import { createTestConvex, createTestToken } from '.'
import { generateSigningKey } from '../_internal/signing'
import { serveTestConvex } from '../node'
import { api, modules, schema } from '../test/app'

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

const b64url = (bytes: Uint8Array | string) => btoa(typeof bytes === 'string' ? bytes : String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** An RS256 JWT of `claims` signed with `key`. */
async function rs256(claims: object, key: CryptoKey, kid = 'k1') {
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify({ iat: now, exp: now + 600, ...claims }))}`
  const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(input)))
  return `${input}.${b64url(signature)}`
}

const rsaKeys = () => crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])

/** Signs the client in with `token`; resolves with whether the backend accepted it. */
function signInWith(token: string): Promise<boolean> {
  return new Promise(resolve => convex.client.setAuth(async () => token, resolve))
}

const fixture = { iss: 'https://auth.fixture.test', aud: 'fixture-app' }

it('refuses a token whose payload was swapped for another user\'s, and one signed with a foreign key', async () => {
  convex = createTestConvex({ schema, modules, crons: false })
  const mine = createTestToken({ sub: 'user_1', ...fixture })
  const [header, , signature] = mine.split('.')
  const admins = createTestToken({ sub: 'admin', ...fixture }).split('.')[1]
  expect(await signInWith(`${header}.${admins}.${signature}`)).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/Could not verify the token's signature for CustomJWT\(issuer=https:\/\/auth\.fixture\.test/)
  const { privateKey } = await rsaKeys()
  expect(await signInWith(await rs256({ sub: 'admin', ...fixture }, privateKey))).toBe(false)
  const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${admins}.`
  expect(await signInWith(unsigned)).toBe(false)
  expect(await convex.client.query(api.notes.whoami, {})).toBeNull()
  expect(await signInWith(mine)).toBe(true)
  expect(await convex.client.query(api.notes.whoami, {})).toBe('user_1')
  // Never the token in a reason.
  expect(convex.backend.authErrors.join('\n')).not.toContain(admins)
})

it('checks a customJwt provider\'s own keys, given inline as a data: JWKS', async () => {
  const { privateKey, publicKey } = await rsaKeys()
  const jwk = { ...await crypto.subtle.exportKey('jwk', publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }
  const jwks = `data:text/plain;charset=utf-8;base64,${btoa(JSON.stringify({ keys: [jwk] }))}`
  const withKeys = { ...modules, [Object.keys(modules).find(path => path.endsWith('/auth.config.ts'))!]: async () => ({ default: { providers: [{ type: 'customJwt', issuer: 'https://issuer.example', applicationID: 'app', jwks, algorithm: 'RS256' }] } }) }
  convex = createTestConvex({ schema, modules: withKeys, crons: false })
  expect(await signInWith(await rs256({ sub: 'ada', iss: 'https://issuer.example', aud: 'app' }, privateKey))).toBe(true)
  expect(await convex.client.query(api.notes.whoami, {})).toBe('ada')
  const other = await rsaKeys()
  expect(await signInWith(await rs256({ sub: 'eve', iss: 'https://issuer.example', aud: 'app' }, other.privateKey))).toBe(false)
  expect(await convex.client.query(api.notes.whoami, {})).toBeNull()
})

/** The app with `auth.config.ts` as Convex Auth 2's `convexAuthProvider()` writes it, and a mutation that signs a token with `ctx.auth.signJwt`. */
function signingApp() {
  const config = Object.keys(modules).find(path => path.endsWith('/auth.config.ts'))!
  return {
    ...modules,
    [config]: async () => ({
      default: {
        providers: [{
          type: 'customJwt',
          applicationID: 'convex-auth',
          issuer: process.env.CONVEX_CLOUD_URL,
          jwks: `${process.env.CONVEX_CLOUD_URL}/.well-known/jwks.json`,
          algorithm: 'ES256',
        }],
      },
    }),
    './convex/signing.ts': async () => ({
      mint: mutationGeneric({ args: {}, handler: ctx => (ctx.auth as any).signJwt({ claims: { sub: 'ada', aud: 'convex-auth' }, expiresInSeconds: 600 }) }),
    }),
  }
}
const mint = makeFunctionReference<'mutation', Record<string, never>, string>('signing:mint')

it('signs ctx.auth.signJwt tokens with the backend\'s own ES256 key, published at /.well-known/jwks.json, and accepts them', async () => {
  convex = createTestConvex({ schema, modules: signingApp(), crons: false })
  const token = await convex.client.mutation(mint, {})
  const jwks = await (await fetch(`${convex.backend.url}/.well-known/jwks.json`)).json()
  expect(jwks).toEqual(await convex.backend.jwks())
  expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })])
  expect(jwks.keys[0]).not.toHaveProperty('d')
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: convex.backend.url, audience: 'convex-auth' })
  expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.keys[0].kid })
  expect(payload.sub).toBe('ada')
  expect(await signInWith(token)).toBe(true)
  expect(await convex.client.query(api.notes.whoami, {})).toBe('ada')

  // Another backend has another key: its tokens are not this one's.
  const other = createTestConvex({ schema, modules: signingApp(), crons: false })
  expect((await other.backend.jwks()).keys[0].kid).not.toBe(jwks.keys[0].kid)
  const foreign = await other.client.mutation(mint, {})
  await other.close()
  expect(await signInWith(foreign)).toBe(false)
})

it('signs with the key it is given (dev keeps one with its data), the same after a deploy, and serves its JWKS over serveTestConvex', async () => {
  const key = await generateSigningKey()
  convex = createTestConvex({ schema, modules: signingApp(), crons: false, signingKey: key })
  const server = await serveTestConvex(convex.backend)
  try {
    const served = await (await fetch(`${server.url}/.well-known/jwks.json`)).json()
    expect(served.keys[0].kid).toBe(key.kid)
    await convex.backend.deploy({ schema, modules: signingApp() })
    const token = await convex.client.mutation(mint, {})
    const { payload } = await jwtVerify(token, createLocalJWKSet(served), { audience: 'convex-auth' })
    expect(payload.iss).toBe(server.url)
    expect(await signInWith(token)).toBe(true)
    expect(await convex.client.query(api.notes.whoami, {})).toBe('ada')
  }
  finally {
    await server.close()
  }
})

/** The test app with a customJwt provider whose keys are `keys`, inline. */
function appWithKeys(keys: object[]) {
  const jwks = `data:text/plain;charset=utf-8;base64,${btoa(JSON.stringify({ keys }))}`
  return { ...modules, [Object.keys(modules).find(path => path.endsWith('/auth.config.ts'))!]: async () => ({ default: { providers: [{ type: 'customJwt', issuer: 'https://issuer.example', applicationID: 'app', jwks, algorithm: 'RS256' }] } }) }
}
const issuer = { iss: 'https://issuer.example', aud: 'app' }

/** What the HTTP API answers a query sent with `token`. */
async function queryOverHttp(token: string) {
  const response = await fetch(`${convex.backend.url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: JSON.stringify({ path: 'notes:whoami', args: {}, format: 'json' }) })
  return { status: response.status, body: await response.json() }
}

it('honours nbf, requires exp, and matches keys by kid (a key without kid serves no other kid)', async () => {
  const { privateKey, publicKey } = await rsaKeys()
  const jwk = { ...await crypto.subtle.exportKey('jwk', publicKey), alg: 'RS256', use: 'sig' }
  convex = createTestConvex({ schema, modules: appWithKeys([{ ...jwk, kid: 'k1' }]), crons: false })
  const now = Math.floor(Date.now() / 1000)
  expect(await signInWith(await rs256({ sub: 'early', ...issuer, nbf: now + 3600 }, privateKey))).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/not valid yet: its `nbf` claim is in the future/)
  expect(await signInWith(await rs256({ sub: 'forever', ...issuer, exp: undefined }, privateKey))).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/no valid `exp` claim/)
  expect(await signInWith(await rs256({ sub: 'other-kid', ...issuer }, privateKey, 'k2'))).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/No key of CustomJWT\(issuer=https:\/\/issuer\.example.*kid "k2"/)
  expect(await convex.client.query(api.notes.whoami, {})).toBeNull()
  expect(await signInWith(await rs256({ sub: 'ada', ...issuer }, privateKey, 'k1'))).toBe(true)
  expect(await convex.client.query(api.notes.whoami, {})).toBe('ada')
  await convex.close()

  // A key without kid is not a wildcard for a token that names another key.
  convex = createTestConvex({ schema, modules: appWithKeys([jwk]), crons: false })
  expect(await signInWith(await rs256({ sub: 'eve', ...issuer }, (await rsaKeys()).privateKey, 'rotated'))).toBe(false)
  expect(await convex.client.query(api.notes.whoami, {})).toBeNull()
})

it('refuses a junk signature and an unsigned token with a reason, over the socket and over HTTP (401, never 500)', async () => {
  const { privateKey, publicKey } = await rsaKeys()
  convex = createTestConvex({ schema, modules: appWithKeys([{ ...await crypto.subtle.exportKey('jwk', publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }]), crons: false })
  const good = await rs256({ sub: 'ada', ...issuer }, privateKey)
  const [header, payload] = good.split('.')
  const junk = `${header}.${payload}.%%%not-base64%%%`
  const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`
  const testSigned = createTestToken({ sub: 'ada', ...issuer })
  for (const [token, reason] of [[junk, /Could not verify the token's signature for CustomJWT/], [unsigned, /not signed \(alg "none"\)/]] as const) {
    expect(await signInWith(token)).toBe(false)
    expect(convex.backend.authErrors.at(-1)).toMatch(reason)
    const http = await queryOverHttp(token)
    expect(http.status).toBe(401)
    expect(http.body).toEqual({ code: 'Unauthenticated', message: expect.stringMatching(reason) })
  }
  expect((await queryOverHttp(good)).body.value).toBe('ada')
  // The test kit (and only it) accepts its published key.
  expect((await queryOverHttp(testSigned)).body.value).toBe('ada')
})

it('finds an OIDC provider\'s keys through its openid-configuration (here, served by the app itself, read in-process), and says why when it cannot reach them', async () => {
  const { privateKey, publicKey } = await rsaKeys()
  const jwk = { ...await crypto.subtle.exportKey('jwk', publicKey), kid: 'oidc-1', alg: 'RS256', use: 'sig' }
  const http = httpRouter()
  http.route({ path: '/.well-known/openid-configuration', method: 'GET', handler: httpActionGeneric(async () => Response.json({ issuer: process.env.CONVEX_SITE_URL, jwks_uri: `${process.env.CONVEX_SITE_URL}/.well-known/jwks.json` })) })
  http.route({ path: '/.well-known/jwks.json', method: 'GET', handler: httpActionGeneric(async () => Response.json({ keys: [jwk] })) })
  const key = (name: string) => Object.keys(modules).find(path => path.endsWith(`/convex/${name}.ts`))!
  convex = createTestConvex({
    schema,
    crons: false,
    modules: {
      ...modules,
      [key('http')]: async () => ({ default: http }),
      [key('auth.config')]: async () => ({ default: { providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: 'app' }, { domain: 'https://oidc.invalid', applicationID: 'app' }] } }),
    },
  })
  expect(await signInWith(await rs256({ sub: 'ada', iss: convex.backend.siteUrl, aud: 'app' }, privateKey, 'oidc-1'))).toBe(true)
  expect(await convex.client.query(api.notes.whoami, {})).toBe('ada')
  expect(await signInWith(await rs256({ sub: 'eve', iss: convex.backend.siteUrl, aud: 'app' }, (await rsaKeys()).privateKey, 'oidc-1'))).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/Could not verify the token's signature for OIDC\(domain=/)
  expect(await signInWith(await rs256({ sub: 'bob', iss: 'https://oidc.invalid', aud: 'app' }, privateKey, 'oidc-1'))).toBe(false)
  expect(convex.backend.authErrors.at(-1)).toMatch(/Could not fetch the OpenID configuration of OIDC\(domain=https:\/\/oidc\.invalid, app_id=app\) at https:\/\/oidc\.invalid\/\.well-known\/openid-configuration/)
})
