// @vitest-environment node
// `npx vueuse-convex dev` as a deployment is trusted: its own signing key kept with the data,
// tokens checked against the app's providers only (never the test kit's published key).
import type { DevBackend, DevBackendOptions } from '../dev'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { SIGNING_KEY_FILE } from '../_dev/signingKey'
import { startDevBackend } from '../dev'

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
