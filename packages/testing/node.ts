// A real server on loopback in front of the in-memory backend (Node only), for tools that
// need a URL: an app started in another process, a browser, `ConvexHttpClient`, `curl`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestBackend } from './_internal/backend'
import type { ClientSocket } from './_internal/socket'
import { Buffer } from 'node:buffer'
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

/** Options of {@link serveTestConvex}. */
export interface ServeTestConvexOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number
  /** Port for the HTTP actions (`convex/http.ts`); `0` picks a free one. @default 0 */
  sitePort?: number
  /** Interface to listen on. Keep it on loopback: this server has no authentication. @default '127.0.0.1' */
  host?: string
}

/** A running server: point `new ConvexClient(url)` at `url`. */
export interface TestConvexServer {
  /** The deployment URL to give a client, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** Where the app's `convex/http.ts` routes answer (a deployment's `.convex.site` URL). */
  siteUrl: string
  /** Stops listening and drops every connection. */
  close: () => Promise<void>
}

/** Node request → Fetch `Request`. */
async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined })
}

/** Fetch `Response` → Node response. */
async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}

function handler(backend: TestBackend, origin: () => string, site: boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    toRequest(req, origin())
      .then(request => backend.fetch(request, { site }))
      .then(response => send(response, res))
      .catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`The in-memory backend failed: ${e instanceof Error ? e.message : String(e)}`)
      })
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`))
  })
}

/**
 * Serves a backend (`createTestConvex(...).backend`) on loopback as a deployment does: the
 * sync protocol over WebSocket for `ConvexClient`, Convex's HTTP API for `ConvexHttpClient`
 * and `curl`, file storage URLs, and the app's `convex/http.ts` routes at `siteUrl`.
 *
 * @example
 * const { backend } = createTestConvex({ schema, modules })
 * const server = await serveTestConvex(backend)
 * const client = new ConvexClient(server.url, { skipConvexDeploymentUrlCheck: true })
 */
export async function serveTestConvex(backend: TestBackend, options: ServeTestConvexOptions = {}): Promise<TestConvexServer> {
  const { port = 0, sitePort = 0, host = '127.0.0.1' } = options
  let url = ''
  let siteUrl = ''
  const api = createServer(handler(backend, () => url, false))
  const site = createServer(handler(backend, () => siteUrl, true))
  const wss = new WebSocketServer({ server: api })
  wss.on('connection', (ws, req) => {
    if (!/^\/api\/[^/]+\/sync$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
      ws.close(4040, 'Not found')
      return
    }
    const socket: ClientSocket = {
      deliver: data => ws.send(data),
      ping: data => ws.send(data),
      drop: () => ws.terminate(),
      get idle() {
        return ws.bufferedAmount === 0
      },
    }
    const connection = backend.accept(socket)
    if (!connection) {
      ws.terminate()
      return
    }
    ws.on('message', data => connection.receive(String(data)))
    ws.on('close', () => connection.closed())
  })
  url = await listen(api, port, host)
  siteUrl = await listen(site, sitePort, host)
  backend.servedAt({ url, siteUrl })
  return {
    url,
    siteUrl,
    close: () => new Promise<void>((resolve) => {
      backend.servedAt(undefined)
      for (const client of wss.clients) client.terminate()
      api.closeAllConnections()
      site.closeAllConnections()
      wss.close(() => api.close(() => site.close(() => resolve())))
    }),
  }
}
