// Everything a deployment answers over HTTP: Convex's HTTP API (what ConvexHttpClient and
// `curl` use), file storage URLs, and the app's `convex/http.ts` routes — as one
// `(Request) => Response` handler, reached in-process through `fetch` or over a real server.
import type { Value } from 'convex/values'
import type { JSONWebKeySet } from 'jose'
import type { Executor, TestIdentity } from './executor'
import type { FunctionKind } from './functions'
import { convexToJson, jsonToConvex } from 'convex/values'
import { AuthFailure } from './auth'
import { normalizeUdfPath, oversized } from './executor'
import { encodeTs } from './wire'

/** What the HTTP side needs of the backend. */
export interface HttpHost {
  executor: Executor
  /** The identity of a token, checked against the app's providers; throws an `AuthFailure` with the reason. */
  verifyToken: (token: unknown) => Promise<TestIdentity>
  track: <T>(promise: Promise<T>) => Promise<T>
  /** The app has a `convex/http.ts`. */
  hasRouter: boolean
  /** The public keys of the deployment's signing key (`ctx.auth.signJwt`). */
  jwks: () => Promise<JSONWebKeySet>
  /** Awaited after a mutation commits, before it is acknowledged (e.g. until it is on disk). */
  acknowledge?: () => Promise<void> | undefined
  /** Awaited before a query's result is sent (e.g. until every write so far is on disk). */
  publish?: () => Promise<void> | undefined
}

/** Convex's status for "the function failed" (STATUS_CODE_UDF_FAILED in the HTTP client). */
const UDF_FAILED = 560

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Authorization, Convex-Client',
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...CORS } })
}

function problem(status: number, code: string, message: string): Response {
  return json({ code, message }, status)
}

const API_KINDS: Record<string, FunctionKind | 'any'> = {
  '/api/query': 'query',
  '/api/query_at_ts': 'query',
  '/api/mutation': 'mutation',
  '/api/action': 'action',
  '/api/function': 'any',
}

/** Answers one request to the backend's deployment URL (`site`: its HTTP actions URL). */
export async function handleRequest(host: HttpHost, request: Request, site: boolean): Promise<Response> {
  const url = new URL(request.url)
  // Convex's own API answers preflights; on the site URL they are the app's (its OPTIONS routes).
  if (request.method === 'OPTIONS' && !site)
    return new Response(null, { status: 204, headers: CORS })
  // The deployment's own keys, which tokens from `ctx.auth.signJwt` are checked with.
  if (!site && url.pathname === '/.well-known/jwks.json')
    return request.method === 'GET' || request.method === 'HEAD' ? json(await host.jwks()) : problem(405, 'MethodNotAllowed', 'The JWKS is served with GET.')
  let identity: TestIdentity | null
  try {
    identity = await identityOf(host, request)
  }
  catch (e) {
    if (e instanceof AuthFailure)
      return problem(401, 'Unauthenticated', e.message)
    throw e
  }
  if (site)
    return host.track(httpAction(host, request, identity))
  if (url.pathname === '/api/query_ts')
    return json({ ts: encodeTs(host.executor.ts) })
  if (url.pathname.startsWith('/api/storage/'))
    return host.track(storage(host, request, url))
  const kind = API_KINDS[url.pathname] ?? (url.pathname.startsWith('/api/run/') ? 'any' : undefined)
  if (!kind)
    return problem(404, 'NotFound', `The in-memory backend has no ${url.pathname}: it serves /api/query, /api/mutation, /api/action, /api/function, /api/run/<module>/<function> and /api/storage/*. HTTP actions live at the site URL (backend.siteUrl).`)
  if (request.method !== 'POST')
    return problem(405, 'MethodNotAllowed', `${url.pathname} takes a POST with a JSON body { path, args }.`)
  return host.track(callFunction(host, request, url, kind, identity))
}

async function identityOf(host: HttpHost, request: Request): Promise<TestIdentity | null> {
  const header = request.headers.get('authorization')
  if (!header)
    return host.executor.identity
  const [scheme, token] = header.split(' ')
  if (scheme !== 'Bearer' || !token)
    throw new AuthFailure('The Authorization header must be "Bearer <token>" (admin keys are not supported by the in-memory backend).')
  return host.verifyToken(token)
}

async function callFunction(host: HttpHost, request: Request, url: URL, kind: FunctionKind | 'any', identity: TestIdentity | null): Promise<Response> {
  const { executor } = host
  let body: any
  try {
    body = await request.json()
  }
  catch {
    return problem(400, 'BadJsonBody', `The body of ${url.pathname} must be JSON: { "path": "module:function", "args": {...}, "format": "json" }.`)
  }
  const named = url.pathname.startsWith('/api/run/')
    ? url.pathname.slice('/api/run/'.length).replace(/\/([^/]+)$/, ':$1')
    : body?.path
  if (typeof named !== 'string' || !named)
    return problem(400, 'MissingPath', `Name the function: { "path": "messages:list", "args": {} }.`)
  if (body.componentPath)
    return problem(400, 'ComponentsNotCallable', 'Clients cannot call a component\'s functions: call a function of the app that calls the component.')
  const udfPath = normalizeUdfPath(named)
  const rawArgs = Array.isArray(body.args) ? body.args[0] : body.args
  try {
    const refused = oversized(udfPath, rawArgs)
    if (refused)
      throw refused
    await executor.delay(udfPath)
    const value = await executor.call(identity, kind, udfPath, jsonToConvex(rawArgs ?? {}))
    if (kind !== 'query')
      await host.acknowledge?.()
    else
      await host.publish?.()
    return json({ status: 'success', value: convexToJson(value as Value), logLines: [] })
  }
  catch (e) {
    const failure = executor.failure(e)
    return json({ status: 'error', errorMessage: failure.message, errorData: failure.errorData, logLines: [] }, UDF_FAILED)
  }
}

/** `POST /api/storage/upload?token=…` stores the body; `GET /api/storage/<id>` serves a file. */
async function storage(host: HttpHost, request: Request, url: URL): Promise<Response> {
  const { executor } = host
  if (url.pathname === '/api/storage/upload') {
    if (request.method !== 'POST')
      return problem(405, 'MethodNotAllowed', 'Upload a file with a POST of its bytes to the URL from ctx.storage.generateUploadUrl().')
    if (!url.searchParams.get('token'))
      return problem(400, 'MissingToken', 'The upload URL has no token: use the URL ctx.storage.generateUploadUrl() returned, as is.')
    const type = request.headers.get('content-type') ?? ''
    const blob = new Blob([await request.arrayBuffer()], type ? { type } : {})
    const storageId = await executor.action(() => executor.t.action(async (ctx: any) => ctx.storage.store(blob)) as Promise<string>)
    return json({ storageId })
  }
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return problem(405, 'MethodNotAllowed', 'Files are served with GET.')
  const key = decodeURIComponent(url.pathname.slice('/api/storage/'.length))
  // Blobs are not Convex values: carried out of the transaction by the closure.
  let found: { blob: Blob, sha256: string, contentType?: string } | undefined
  await executor.exec(() => executor.t.run(async (ctx: any) => {
    const file = await ctx.db.system.query('_storage').filter((q: any) => q.eq(q.field('sha256'), key)).first()
      ?? await ctx.db.system.get(key).catch(() => null)
    const blob = file ? await ctx.storage.get(file._id) : null
    if (blob)
      found = { blob, sha256: file.sha256, contentType: file.contentType }
  }))
  if (!found)
    return problem(404, 'FileNotFound', `No stored file at ${url.pathname}: it was deleted, or the URL did not come from ctx.storage.getUrl().`)
  const { blob, sha256, contentType } = found
  return new Response(request.method === 'HEAD' ? null : blob, {
    headers: {
      'content-type': contentType || blob.type || 'application/octet-stream',
      'content-length': String(blob.size),
      // As a deployment: the file's sha256 (base64), as the standard Digest header carries it.
      'digest': `sha-256=${sha256}`,
      ...CORS,
    },
  })
}

/** A request to the site URL: the app's `convex/http.ts` routes, as `identity`. */
async function httpAction(host: HttpHost, request: Request, identity: TestIdentity | null): Promise<Response> {
  const { executor } = host
  if (!host.hasRouter)
    return problem(404, 'NoHttpRouter', 'This app has no convex/http.ts: export default an httpRouter() to serve HTTP actions.')
  const url = new URL(request.url)
  const init: RequestInit = { method: request.method, headers: request.headers }
  if (request.method !== 'GET' && request.method !== 'HEAD')
    init.body = await request.arrayBuffer()
  try {
    return await executor.action(() => (executor.as(identity) as any).fetch(url.pathname + url.search, init) as Promise<Response>)
  }
  catch (e) {
    return problem(500, 'InternalServerError', executor.failure(e).message)
  }
}

/** Origins answered in-process, and the `fetch` that was there before. */
const routes = new Map<string, (request: Request) => Promise<Response>>()
let installed = false

/**
 * Makes `fetch` answer requests to `origin` with `handler`, without the network (storage
 * URLs, `ConvexHttpClient`, HTTP actions in tests). Returns the function that removes it.
 */
export function routeFetch(origin: string, handler: (request: Request) => Promise<Response>): () => void {
  if (!installed) {
    installed = true
    if (typeof globalThis.fetch === 'function') {
      // Bound: a browser's fetch throws "Illegal invocation" when called on another object.
      const original = globalThis.fetch.bind(globalThis)
      globalThis.fetch = function fetch(input: RequestInfo | URL, init?: RequestInit) {
        const route = routeOf(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
        return route ? route(new Request(input, init)) : original(input, init)
      } as typeof fetch
    }
  }
  routeXhr()
  routes.set(origin, handler)
  return () => {
    // A closed backend's URL keeps failing in-process, as a stopped server would: it never
    // reaches the network (not even DNS).
    if (routes.get(origin) === handler)
      routes.set(origin, async () => Promise.reject(new TypeError(`fetch failed: the in-memory backend at ${origin} is closed`)))
  }
}

/** The in-process handler of `href`'s origin, if it is routed (a relative URL resolves against the page). */
function routeOf(href: string): ((request: Request) => Promise<Response>) | undefined {
  try {
    return routes.get(new URL(href, (globalThis as { location?: { href: string } }).location?.href).origin)
  }
  catch {
    return undefined
  }
}

/** How many bytes of an in-process upload one progress event reports. */
const PROGRESS_CHUNK = 64 * 1024
let xhrRouted = false

/**
 * Makes `XMLHttpRequest` answer requests to the routed origins in-process too, as `fetch` does:
 * browsers report upload progress only through it (useConvexUpload). Uploads report progress
 * in 64 KiB steps, one per task; `abort()` works until the response is in.
 */
function routeXhr(): void {
  const Base = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest
  if (xhrRouted || typeof Base !== 'function')
    return
  xhrRouted = true
  class RoutedXMLHttpRequest extends Base {
    #request?: { method: string, url: string, headers: Headers, route: (request: Request) => Promise<Response> }
    #routed?: { status: number, text: string, state: number, aborted: boolean }

    override open(method: string, url: string | URL, ...rest: unknown[]): void {
      const href = String(url)
      const route = routeOf(href)
      if (route) {
        this.#request = { method, url: href, headers: new Headers(), route }
        this.#routed = { status: 0, text: '', state: 1, aborted: false }
        this.dispatchEvent(new Event('readystatechange'))
        return
      }
      this.#request = undefined
      this.#routed = undefined
      ;(super.open as (...args: unknown[]) => void)(method, url, ...rest)
    }

    override setRequestHeader(name: string, value: string): void {
      if (this.#request)
        this.#request.headers.set(name, value)
      else
        super.setRequestHeader(name, value)
    }

    override send(body?: Document | XMLHttpRequestBodyInit | null): void {
      const request = this.#request
      const routed = this.#routed
      if (!request || !routed)
        return super.send(body)
      const total = body instanceof Blob ? body.size : typeof body === 'string' ? body.length : 0
      const progress = (target: EventTarget, type: string, loaded: number) =>
        target.dispatchEvent(new ProgressEvent(type, { loaded, total, lengthComputable: total > 0 }))
      const tick = () => new Promise(resolve => setTimeout(resolve, 0))
      void (async () => {
        progress(this.upload, 'loadstart', 0)
        let sent = 0
        do {
          await tick()
          if (routed.aborted)
            return
          sent = Math.min(total, sent + PROGRESS_CHUNK)
          progress(this.upload, 'progress', sent)
        } while (sent < total)
        progress(this.upload, 'load', total)
        progress(this.upload, 'loadend', total)
        let response: Response | undefined
        try {
          response = await request.route(new Request(request.url, { method: request.method, headers: request.headers, body: body as BodyInit | null | undefined }))
        }
        catch {}
        if (routed.aborted)
          return
        if (!response) {
          routed.state = 4
          this.dispatchEvent(new Event('readystatechange'))
          progress(this, 'error', 0)
          progress(this, 'loadend', 0)
          return
        }
        const text = await response.text()
        if (routed.aborted)
          return
        Object.assign(routed, { status: response.status, text, state: 4 })
        this.dispatchEvent(new Event('readystatechange'))
        progress(this, 'load', text.length)
        progress(this, 'loadend', text.length)
      })()
    }

    override abort(): void {
      const routed = this.#routed
      if (!routed)
        return super.abort()
      if (routed.state === 4 || routed.aborted)
        return
      Object.assign(routed, { aborted: true, state: 4, status: 0 })
      this.dispatchEvent(new Event('readystatechange'))
      this.upload.dispatchEvent(new ProgressEvent('abort'))
      this.dispatchEvent(new ProgressEvent('abort'))
      this.dispatchEvent(new ProgressEvent('loadend'))
    }

    override get readyState(): number {
      return this.#routed ? this.#routed.state : super.readyState
    }

    override get status(): number {
      return this.#routed ? this.#routed.status : super.status
    }

    override get responseText(): string {
      return this.#routed ? this.#routed.text : super.responseText
    }

    override get response(): any {
      if (!this.#routed)
        return super.response
      return this.responseType === 'json' ? JSON.parse(this.#routed.text || 'null') : this.#routed.text
    }
  }
  ;(globalThis as { XMLHttpRequest: typeof XMLHttpRequest }).XMLHttpRequest = RoutedXMLHttpRequest
}
