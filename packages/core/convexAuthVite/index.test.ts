import type { ConvexAuthVitePlugin } from '.'
// @vitest-environment node
// Convex Auth 2's server half for a Vite app, against Convex Auth's own functions on the local
// backend (`npx vueuse-convex dev`): the sign-in proxy puts the refresh token in an httpOnly
// cookie and gives the page only the access token; refresh and sign-out work from the cookie;
// other sites' requests and other routes are left alone; the Vite plugin serves the same routes.
import type { DevBackend } from '../../testing/dev'
import { Buffer } from 'node:buffer'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convexAuthHandler, convexAuthRoutes, convexAuthVite } from '.'
import { startDevBackend } from '../../testing/dev'

let work: string
let backend: DevBackend
const APP = 'http://app.test'
const signIn = ['auth:signInWithUsernamePassword', 'auth:signUpWithUsernamePassword']

beforeAll(async () => {
  work = mkdtempSync(join(fileURLToPath(new URL('../../../node_modules/', import.meta.url)), '.convex-auth-server-test-'))
  cpSync(fileURLToPath(new URL('../../testing/test/convex-auth/convex', import.meta.url)), join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  backend = await startDevBackend({ cwd: work, port: 0, sitePort: 0, dataFile: false, watch: false, typecheck: 'disable', log: () => {} })
}, 120_000)

afterAll(async () => {
  await backend?.close()
  rmSync(work, { recursive: true, force: true })
})

/** A page's POST to one of the routes: same origin unless told, with the cookies it holds. */
function post(path: string, body: unknown, cookies = '', origin = APP) {
  return new Request(`${APP}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'host': 'app.test', origin, ...cookies ? { cookie: cookies } : {} }, body: JSON.stringify(body) })
}

/** The `name=value` pairs a response sets, and whether each is httpOnly. */
function cookiesOf(response: Response) {
  return response.headers.getSetCookie().map(cookie => ({ pair: cookie.split(';')[0], httpOnly: /;\s*httponly/i.test(cookie), value: cookie.split(';')[0].split('=').slice(1).join('=') }))
}

describe('convexAuthHandler', () => {
  it('signs up through the proxy: the refresh token goes into an httpOnly cookie, never into the body; refresh and sign-out work from it', async () => {
    const handle = convexAuthHandler({ url: backend.url!, signIn })
    const routes = convexAuthRoutes()
    // What useConvexAuthActions' proxy client sends: ConvexHttpClient's mutation request.
    const signUp = (await handle(post(`${routes.signIn}?path=/api/mutation`, { path: 'auth:signUpWithUsernamePassword', args: [{ username: 'grace', password: 'correct horse battery staple' }], format: 'convex_encoded_json' })))!
    expect(signUp.status).toBe(200)
    const body = await signUp.text()
    const set = cookiesOf(signUp)
    const refresh = set.find(c => c.pair.startsWith('__convexAuthRefreshToken='))!
    expect(refresh.httpOnly).toBe(true)
    expect(body).not.toContain(refresh.value)
    expect(JSON.parse(body).value.status).toBe('complete')

    const jar = set.map(c => c.pair).join('; ')
    const refreshed = (await handle(post(routes.refresh, {}, jar)))!
    expect(refreshed.status).toBe(200)
    const { tokens } = await refreshed.json() as { tokens: { accessToken: string } }
    expect(tokens.accessToken.split('.')).toHaveLength(3)
    expect(JSON.stringify(tokens)).not.toContain(refresh.value)

    const rotated = cookiesOf(refreshed).map(c => c.pair).join('; ') || jar
    const out = (await handle(post(routes.signOut, {}, rotated)))!
    expect(out.status).toBeLessThan(300)
    expect((await handle(post(routes.refresh, {}, rotated)))!.status).toBe(401)
  })

  it('refuses another site\'s request before calling Convex, and leaves other routes and methods to the app', async () => {
    const handle = convexAuthHandler({ url: backend.url!, signIn })
    expect((await handle(post('/api/auth/refresh', {}, '', 'https://evil.example')))!.status).toBe(403)
    expect(await handle(post('/api/other', {}))).toBeUndefined()
    expect(await handle(new Request(`${APP}/api/auth/refresh`))).toBeUndefined()
    expect(await handle(post('/api/auth/anything', {}))).toBeUndefined()
    expect(() => convexAuthHandler({ url: '', signIn })).toThrow(/deployment URL/)
  })
})

describe('convexAuthVite', () => {
  /** Runs the plugin's middleware on a Node-like request; what it answered, or that it passed. */
  async function through(plugin: ConvexAuthVitePlugin, path: string, body: string, headers: Record<string, string>) {
    let middleware!: Parameters<Parameters<ConvexAuthVitePlugin['configureServer']>[0]['middlewares']['use']>[0]
    plugin.configureServer({ middlewares: { use: fn => middleware = fn } })
    const req = Object.assign(Readable.from([Buffer.from(body)]), { url: path, method: 'POST', headers: { host: 'app.test', ...headers }, socket: {} })
    const written: { status?: number, headers: Record<string, string | string[]>, body?: string } = { headers: {} }
    return new Promise<typeof written | 'next'>((resolve, reject) => {
      middleware(req as never, {
        get statusCode() {
          return written.status ?? 200
        },
        set statusCode(status: number) {
          written.status = status
        },
        setHeader: (name: string, value: string | string[]) => written.headers[name] = value,
        end: (chunk?: Uint8Array) => {
          written.body = chunk ? Buffer.from(chunk).toString() : ''
          resolve(written)
        },
      } as never, error => error ? reject(error) : resolve('next'))
    })
  }

  it('serves the routes in vite dev and preview, with each cookie its own Set-Cookie header, and passes everything else on', async () => {
    const plugin = convexAuthVite({ url: backend.url!, signIn })
    expect(plugin.name).toBe('vueuse-convex:convex-auth')
    expect(plugin.configurePreviewServer).toBe(plugin.configureServer)
    // Nothing returned: Vite runs a function returned from configureServer as a later hook.
    expect(plugin.configureServer({ middlewares: { use: () => () => {} } })).toBeUndefined()
    const answer = await through(plugin, '/api/auth/signin?path=/api/mutation', JSON.stringify({ path: 'auth:signUpWithUsernamePassword', args: [{ username: 'linus', password: 'correct horse battery staple' }], format: 'convex_encoded_json' }), { 'origin': APP, 'content-type': 'application/json' })
    expect(answer).not.toBe('next')
    const { status, headers, body } = answer as Exclude<typeof answer, 'next'>
    expect(status).toBe(200)
    expect(headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^__convexAuthRefreshToken=.*HttpOnly/i)]))
    expect(JSON.parse(body!).value.status).toBe('complete')
    expect(await through(plugin, '/src/main.ts', '', {})).toBe('next')
  })
})
