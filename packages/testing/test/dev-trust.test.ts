// @vitest-environment node
// `npx vueuse-convex dev` as a deployment is trusted: its own signing key kept with the data,
// tokens checked against the app's providers only (never the test kit's published key).
import type { DevBackend, DevBackendOptions } from '../dev'
import { Buffer } from 'node:buffer'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { SIGNING_KEY_FILE } from '../_dev/signingKey'
import { createTestToken } from '../createTestConvex'
import { startDevBackend } from '../dev'
import { ServeError } from '../node'

const root = resolve(import.meta.dirname, '../../..')
const fixture = resolve(import.meta.dirname, 'app/convex')
const api = anyApi as any

let work: string | undefined
const running: DevBackend[] = []
const clients: ConvexClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.close()))
  await Promise.all(running.splice(0).map(d => d.close()))
  if (work)
    rmSync(work, { recursive: true, force: true })
  work = undefined
})

/** A project with the test app's convex/ and a mutation that signs a token with the deployment's key. */
function project(): string {
  work = mkdtempSync(join(root, 'node_modules', '.dev-trust-'))
  cpSync(fixture, join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  writeFileSync(join(work, 'convex/signing.ts'), `import { mutation } from './_generated/server'\nexport const mint = mutation({ args: {}, handler: ctx => (ctx.auth as any).signJwt({ claims: { sub: 'ada', aud: 'convex-auth' }, expiresInSeconds: 600 }) })\n`)
  return work
}

async function start(options: DevBackendOptions = {}) {
  const dev = await startDevBackend({ cwd: work, port: 0, sitePort: 0, watch: false, log: () => {}, ...options })
  running.push(dev)
  return dev
}

function client(url: string) {
  const c = new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })
  clients.push(c)
  return c
}

const jwksAt = async (url: string) => (await fetch(`${url}/.well-known/jwks.json`)).json()

describe('the signing key of vueuse-convex dev', () => {
  it('is made on first start in the data folder (owner-only), kept across restarts, and signs ctx.auth.signJwt', async () => {
    project()
    const first = await start()
    const jwks = await jwksAt(first.url!)
    const file = join(work!, '.vueuse-convex', SIGNING_KEY_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8')).kid).toBe(jwks.keys[0].kid)
    const token = await client(first.url!).mutation(api.signing.mint, {})
    await first.close()
    running.splice(0)

    const second = await start()
    expect(await jwksAt(second.url!)).toEqual(jwks)
    // A token signed before the restart still verifies against the served keys.
    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwksAt(second.url!)), { audience: 'convex-auth' })
    expect(payload.sub).toBe('ada')
  }, 60_000)

  it('is new on every run with --no-data, and none is written', async () => {
    project()
    const first = await start({ dataFile: false })
    const kid = (await jwksAt(first.url!)).keys[0].kid
    await first.close()
    running.splice(0)
    const second = await start({ dataFile: false })
    expect((await jwksAt(second.url!)).keys[0].kid).not.toBe(kid)
    expect(() => statSync(join(work!, '.vueuse-convex', SIGNING_KEY_FILE))).toThrow(/ENOENT/)
  }, 60_000)

  it('refuses to start on an unreadable key file, leaving it as it is and naming it', async () => {
    project()
    const dir = join(work!, '.vueuse-convex')
    const file = join(dir, SIGNING_KEY_FILE)
    mkdirSync(dir, { recursive: true })
    writeFileSync(file, '{ "kty": "EC", "crv": "P-2')
    const lines: string[] = []
    await start({ log: line => lines.push(line) }).catch(e => lines.push((e as Error).message))
    expect(lines.join('\n')).toContain(file)
    expect(readFileSync(file, 'utf8')).toBe('{ "kty": "EC", "crv": "P-2')
  }, 60_000)
})

/** What the server answers an Authenticate with `token` on a socket of its own. */
function authenticateOverSocket(url: string, token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/1.48.0/sync`)
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'Connect', sessionId: crypto.randomUUID(), connectionCount: 0, lastCloseReason: null, clientTs: Date.now() }))
      ws.send(JSON.stringify({ type: 'Authenticate', tokenType: 'User', value: token, baseVersion: 0 }))
    })
    ws.on('message', (data) => {
      const message = JSON.parse(String(data))
      if (message.type === 'AuthError' || message.type === 'Transition') {
        ws.close()
        resolve(message)
      }
    })
    ws.on('error', reject)
  })
}

const b64url = (text: string) => Buffer.from(text).toString('base64url')

describe('tokens on vueuse-convex dev', () => {
  /** The project with a customJwt provider whose keys (RS256) are given inline in auth.config.ts. */
  async function projectWithProvider() {
    project()
    const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
    const jwks = { keys: [{ ...await crypto.subtle.exportKey('jwk', publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }] }
    writeFileSync(join(work!, 'convex/auth.config.ts'), `export default { providers: [{ type: 'customJwt', issuer: 'https://issuer.example', applicationID: 'app', algorithm: 'RS256', jwks: 'data:application/json;base64,${b64url(JSON.stringify(jwks))}' }] }\n`)
    return async (claims: object) => {
      const now = Math.floor(Date.now() / 1000)
      const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))}.${b64url(JSON.stringify({ iss: 'https://issuer.example', aud: 'app', iat: now, exp: now + 600, ...claims }))}`
      return `${input}.${Buffer.from(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, new TextEncoder().encode(input))).toString('base64url')}`
    }
  }

  it('refuses a token signed with the test kit\'s published key, an unsigned one and a junk signature, with a reason over the socket and over HTTP', async () => {
    const sign = await projectWithProvider()
    const dev = await start()
    const good = await sign({ sub: 'ada' })
    const [header, payload] = good.split('.')
    const refused: Array<[string, RegExp]> = [
      [createTestToken({ sub: 'ada', iss: 'https://issuer.example', aud: 'app' }), /test kit's published key/],
      [`${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`, /not signed \(alg "none"\)/],
      [`${header}.${payload}.junk!!signature`, /Could not verify the token's signature/],
    ]
    for (const [token, reason] of refused) {
      // Over the socket: an AuthError with the reason...
      expect(await authenticateOverSocket(dev.url!, token)).toEqual({ type: 'AuthError', error: expect.stringMatching(reason), baseVersion: 0, authUpdateAttempted: true })
      // ...on which the real client stays signed out.
      const c = client(dev.url!)
      expect(await new Promise<boolean>(resolve => c.setAuth(async () => token, resolve))).toBe(false)
      expect(await c.query(api.notes.whoami, {})).toBeNull()
      // Over HTTP: a 401 with the reason.
      const response = await fetch(`${dev.url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: JSON.stringify({ path: 'notes:whoami', args: {}, format: 'json' }) })
      expect(response.status).toBe(401)
      expect((await response.json()).message).toMatch(reason)
    }
    // The app's own provider's token is accepted, over both.
    const c = client(dev.url!)
    expect(await new Promise<boolean>(resolve => c.setAuth(async () => good, resolve))).toBe(true)
    expect(await c.query(api.notes.whoami, {})).toBe('ada')
    const response = await fetch(`${dev.url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${good}` }, body: JSON.stringify({ path: 'notes:whoami', args: {}, format: 'json' }) })
    expect((await response.json()).value).toBe('ada')
  }, 60_000)
})

describe('vueuse-convex dev on a port in use', () => {
  it('stops with a one-line reason and its code, leaving nothing listening and the data free', async () => {
    project()
    const first = await start()
    const port = Number(new URL(first.url!).port)
    const error = await start({ port, dataFile: false }).catch(e => e)
    expect(error).toBeInstanceOf(ServeError)
    expect(error.code).toBe('EADDRINUSE')
    expect(error.message).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use.*--port <n>`))
    expect(error.message).not.toContain('\n')
    running.splice(0)
    await first.close()
    // The failed start let go of the data: the next one opens it.
    const second = await start()
    expect(second.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  }, 60_000)
})
