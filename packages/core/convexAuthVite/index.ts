// Convex Auth 2 on the server of a Vite app (or any server of WHATWG `Request`s): its own
// handlers (`setupConvexAuthServer` of `@convex-dev/auth/ssr`) mounted under one route, so that
// the refresh token lives in an httpOnly cookie and `useConvexAuthActions({ server })` signs in
// through them. The Nuxt module mounts the same handlers itself.
import type { ConvexAuthServerRoutes } from '../_internal/types'
import { setupConvexAuthServer } from '@convex-dev/auth/ssr'
import { makeFunctionReference } from 'convex/server'

/** Options of {@link convexAuthHandler} and {@link convexAuthVite}. */
export interface ConvexAuthServerOptions {
  /** The Convex deployment URL. */
  url: string
  /**
   * The sign-in functions the sign-in proxy may call, by name: every function of yours that
   * starts a session, e.g. `['auth:signInWithUsernamePassword', 'auth:signUpWithUsernamePassword']`.
   */
  signIn: string[]
  /**
   * The module of `convex/` that exports `setupConvexAuth`'s `refreshSession` and `signOut`.
   * @default 'auth'
   */
  module?: string
  /**
   * Where the routes are: `<route>/signin`, `<route>/refresh`, `<route>/signout`.
   * @default '/api/auth'
   */
  route?: string
  /**
   * Other origins than the request's own `Host` trusted by the handlers' cross-site check (a proxy that rewrites `Host`).
   * @default []
   */
  allowedOrigins?: string[]
}

/** The routes {@link convexAuthHandler} answers, for `useConvexAuthActions({ server })`. */
export function convexAuthRoutes(route = '/api/auth'): ConvexAuthServerRoutes {
  return { signIn: `${route}/signin`, refresh: `${route}/refresh`, signOut: `${route}/signout` }
}

/**
 * Convex Auth 2's sign-in proxy, refresh and sign-out as one WHATWG handler: a `POST` to
 * `<route>/signin`, `/refresh` or `/signout` is answered (the refresh token goes into an httpOnly
 * cookie, `Secure` over HTTPS; other sites' requests are refused), anything else resolves
 * `undefined` for the server's other routes. Mount it on your server (h3, Hono, srvx…).
 *
 * @example
 * const auth = convexAuthHandler({ url: process.env.CONVEX_URL!, signIn: ['auth:signInWithUsernamePassword'] })
 * export default { fetch: async (request: Request) => await auth(request) ?? serveApp(request) }
 */
export function convexAuthHandler(options: ConvexAuthServerOptions): (request: Request) => Promise<Response | undefined> {
  if (!options?.url || !Array.isArray(options.signIn))
    throw new TypeError('[vueuse-convex] convexAuthHandler({ url, signIn }): pass the deployment URL and the names of your sign-in functions.')
  const route = (options.route ?? '/api/auth').replace(/\/+$/, '')
  const module = options.module ?? 'auth'
  const servers = new Map<boolean, ReturnType<typeof setupConvexAuthServer>>()
  const handlers = (secure: boolean) => {
    let server = servers.get(secure)
    if (!server) {
      server = setupConvexAuthServer({
        convexUrl: options.url.replace(/\/+$/, ''),
        refreshSession: makeFunctionReference(`${module}:refreshSession`),
        signOut: makeFunctionReference(`${module}:signOut`),
        signIn: options.signIn.map(name => makeFunctionReference<'mutation'>(name)) as never,
        cookieOptions: { secure },
        allowedOrigins: options.allowedOrigins,
      })
      servers.set(secure, server)
    }
    return server
  }
  return async (request) => {
    const url = new URL(request.url)
    const action = url.pathname.startsWith(`${route}/`) ? url.pathname.slice(route.length + 1) : undefined
    if (request.method !== 'POST' || (action !== 'signin' && action !== 'refresh' && action !== 'signout'))
      return undefined
    const server = handlers(url.protocol === 'https:')
    return (action === 'signin' ? server.convexProxyHandler : action === 'refresh' ? server.refreshHandler : server.signOutHandler)(request)
  }
}

/** The part of Node's request a Vite (connect) middleware gets that the plugin reads. */
interface NodeRequest extends AsyncIterable<Uint8Array> {
  url?: string
  method?: string
  headers: Record<string, string | string[] | undefined>
  /** A TLS socket has `encrypted: true`. */
  socket: object
}

/** The part of Node's response the plugin writes. */
interface NodeResponse {
  statusCode: number
  setHeader: (name: string, value: string | string[]) => void
  end: (body?: Uint8Array) => void
}

/** The part of a Vite dev or preview server the plugin uses. */
interface MiddlewareServer {
  middlewares: { use: (fn: (req: NodeRequest, res: NodeResponse, next: (error?: unknown) => void) => void) => unknown }
}

/** A Vite plugin, as far as {@link convexAuthVite} is one. */
export interface ConvexAuthVitePlugin {
  name: string
  configureServer: (server: MiddlewareServer) => void
  configurePreviewServer: (server: MiddlewareServer) => void
}

/**
 * A Vite plugin that serves {@link convexAuthHandler} in `vite dev` and `vite preview`, so a Vite
 * app keeps Convex Auth's refresh token in an httpOnly cookie: add it to `plugins`, and sign in
 * with `useConvexAuthActions({ api: api.auth, server: convexAuthRoutes() })`. In production,
 * mount `convexAuthHandler` on the server that serves the app.
 *
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [vue(), convexAuthVite({ url: process.env.VITE_CONVEX_URL!, signIn: ['auth:signInWithUsernamePassword'] })] })
 */
export function convexAuthVite(options: ConvexAuthServerOptions): ConvexAuthVitePlugin {
  const handle = convexAuthHandler(options)
  // Returns nothing: a function returned from configureServer is taken for a hook to run later.
  const mount = (server: MiddlewareServer): void => void server.middlewares.use((req, res, next) => {
    if (req.method !== 'POST')
      return next()
    void (async () => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one)
      }
      const url = `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${headers.get('host') ?? 'localhost'}${req.url ?? '/'}`
      if (!new URL(url).pathname.startsWith(`${(options.route ?? '/api/auth').replace(/\/+$/, '')}/`))
        return next()
      const chunks: Uint8Array[] = []
      for await (const chunk of req) chunks.push(chunk)
      const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      const response = await handle(new Request(url, { method: 'POST', headers, body }))
      if (!response)
        return next()
      res.statusCode = response.status
      response.headers.forEach((value, name) => name !== 'set-cookie' && res.setHeader(name, value))
      const cookies = response.headers.getSetCookie()
      if (cookies.length)
        res.setHeader('set-cookie', cookies)
      res.end(new Uint8Array(await response.arrayBuffer()))
    })().catch(next)
  })
  return { name: 'vueuse-convex:convex-auth', configureServer: mount, configurePreviewServer: mount }
}
