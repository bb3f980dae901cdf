// A real server on loopback in front of the in-memory backend (Node only), for tools that
// need a URL: an app started in another process, a browser, `ConvexHttpClient`, `curl`.
// HTTP goes through srvx's Node adapter (every header kept, bodies streamed); the sync protocol
// through `ws`. No request or frame can stop the process: each is answered, or its own
// connection closed with the reason.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { NodeHttp1Handler } from 'srvx'
import type { TestBackend } from './_internal/backend'
import type { ClientSocket } from './_internal/socket'
import { Buffer } from 'node:buffer'
import { createServer } from 'node:http'
import { toNodeHandler } from 'srvx/node'
import { WebSocketServer } from 'ws'
import { MAX_FRAME_BYTES } from './_internal/frames'

/** Options of {@link serveTestConvex}. */
export interface ServeTestConvexOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number
  /** Port for the HTTP actions (`convex/http.ts`); `0` picks a free one. @default 0 */
  sitePort?: number
  /** Interface to listen on (`::1` for IPv6). Keep it on loopback: this server has no authentication. @default '127.0.0.1' */
  host?: string
}

/** A running server: point `new ConvexClient(url)` at `url`. */
export interface TestConvexServer {
  /** The deployment URL to give a client, e.g. `http://127.0.0.1:41234` (`http://[::1]:41234` on IPv6). */
  url: string
  /** Where the app's `convex/http.ts` routes answer (a deployment's `.convex.site` URL). */
  siteUrl: string
  /** Stops listening and drops every connection. */
  close: () => Promise<void>
}

/**
 * Why the server could not start: `code` is Node's (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`), the
 * message one line saying what to do. Nothing is left listening.
 */
export class ServeError extends Error {
  override name = 'ServeError'
  constructor(message: string, readonly code: string, readonly port: number) {
    super(message)
  }
}

/** The origin of `host:port` as a URL: IPv6 addresses in brackets. */
function originOf(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`
}

/** A WebSocket close reason: at most 123 bytes of UTF-8. */
function closeReason(reason: string): string {
  let text = reason.replace(/\s+/g, ' ')
  while (Buffer.byteLength(text) > 123)
    text = `${text.slice(0, Math.max(0, text.length - Math.max(1, Buffer.byteLength(text) - 120)))}…`
  return text
}

/** The Node handler of the backend's HTTP side: any failure is a 500 answer, never a thrown error. */
function httpHandler(backend: TestBackend, site: boolean) {
  const handle = toNodeHandler(async (request: Request) => {
    try {
      return await backend.fetch(request, { site })
    }
    catch (e) {
      return Response.json({ code: 'InternalServerError', message: `The in-memory backend failed: ${(e as Error)?.message ?? String(e)}` }, { status: 500 })
    }
  })
  return (req: IncomingMessage, res: ServerResponse) => {
    // A client that went away, or a body that failed after its headers: that response ends.
    req.on('error', () => res.destroy())
    res.on('error', () => res.destroy())
    Promise.resolve((handle as NodeHttp1Handler)(req, res)).catch(() => res.destroy())
  }
}

function listen(server: Server, port: number, host: string, flag: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`
      const fix = port === 0 ? '' : ` or pick another with ${flag} <n>`
      reject(new ServeError(
        e.code === 'EADDRINUSE'
          ? `Port ${port} on ${host} is in use (another vueuse-convex dev, or a local Convex backend?): stop it${fix}.`
          : e.code === 'EACCES'
            ? `Not allowed to listen on ${where}: ports below 1024 need privileges; pick another with ${flag} <n>.`
            : e.code === 'EADDRNOTAVAIL'
              ? `Cannot listen on ${host}: it is not an address of this machine; use --host 127.0.0.1 (or ::1).`
              : `Cannot listen on ${where}: ${e.message}`,
        e.code ?? 'ELISTEN',
        port,
      ))
    }
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      // Errors after start (a client's broken connection) belong to that connection.
      server.on('error', () => {})
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

/**
 * Serves a backend (`createTestConvex(...).backend`) on loopback as a deployment does: the
 * sync protocol over WebSocket for `ConvexClient`, Convex's HTTP API for `ConvexHttpClient`
 * and `curl`, file storage URLs, and the app's `convex/http.ts` routes at `siteUrl`.
 * Rejects with a {@link ServeError} when a port is taken, with nothing left listening.
 *
 * @example
 * const { backend } = createTestConvex({ schema, modules })
 * const server = await serveTestConvex(backend)
 * const client = new ConvexClient(server.url, { skipConvexDeploymentUrlCheck: true })
 */
export async function serveTestConvex(backend: TestBackend, options: ServeTestConvexOptions = {}): Promise<TestConvexServer> {
  const { port = 0, sitePort = 0, host = '127.0.0.1' } = options
  const api = createServer(httpHandler(backend, false))
  const site = createServer(httpHandler(backend, true))
  for (const server of [api, site])
    server.on('clientError', (_e, socket: Duplex) => (socket.writable ? socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n') : socket.destroy()))
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  api.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    if (!/^\/api\/[^/]+\/sync$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nThe sync protocol is served at /api/<version>/sync.')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A frame over the limit, a broken socket: ws closes it; the error is that socket's alone.
      ws.on('error', () => ws.terminate())
      const socket: ClientSocket = {
        deliver: data => ws.send(data),
        ping: data => ws.send(data),
        // A reason: the server refuses something the client sent; none: a network failure.
        drop: reason => (reason ? ws.close(1008, closeReason(reason)) : ws.terminate()),
        get idle() {
          return ws.bufferedAmount === 0
        },
      }
      const connection = backend.accept(socket)
      if (!connection) {
        ws.terminate()
        return
      }
      ws.on('message', (data, isBinary) => connection.receive(isBinary ? data : String(data)))
      ws.on('close', () => connection.closed())
    })
  })

  let apiPort: number
  try {
    apiPort = await listen(api, port, host, '--port')
  }
  catch (e) {
    wss.close()
    throw e
  }
  let sitePortUsed: number
  try {
    sitePortUsed = await listen(site, sitePort, host, '--site-port')
  }
  catch (e) {
    // Nothing half-started: the API port is given back too.
    wss.close()
    await closeServer(api)
    throw e
  }
  const url = originOf(host, apiPort)
  const siteUrl = originOf(host, sitePortUsed)
  backend.servedAt({ url, siteUrl })
  return {
    url,
    siteUrl,
    async close() {
      backend.servedAt(undefined)
      for (const client of wss.clients) client.terminate()
      await new Promise<void>(resolve => wss.close(() => resolve()))
      await Promise.all([closeServer(api), closeServer(site)])
    },
  }
}
