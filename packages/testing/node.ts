// A real WebSocket server on loopback in front of the in-memory backend (Node only), for
// tools that need a URL: an app started in another process, a browser, an HTTP-less client.
import type { AddressInfo } from 'node:net'
import type { TestBackend } from './_internal/backend'
import type { ClientSocket } from './_internal/socket'
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

/** Options of {@link serveTestConvex}. */
export interface ServeTestConvexOptions {
  /** Port to listen on; `0` picks a free one. @default 0 */
  port?: number
  /** Interface to listen on. Keep it on loopback: this server has no authentication. @default '127.0.0.1' */
  host?: string
}

/** A running server: point `new ConvexClient(url)` at `url`. */
export interface TestConvexServer {
  /** The deployment URL to give a client, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** Stops listening and drops every connection. */
  close: () => Promise<void>
}

/**
 * Serves a backend (`createTestConvex(...).backend`) over a real WebSocket, so an unmodified
 * `ConvexClient` anywhere on this machine can connect with `new ConvexClient(url,
 * { skipConvexDeploymentUrlCheck: true })`.
 *
 * @example
 * const { backend } = createTestConvex({ schema, modules })
 * const server = await serveTestConvex(backend)
 * const client = new ConvexClient(server.url, { skipConvexDeploymentUrlCheck: true })
 */
export async function serveTestConvex(backend: TestBackend, options: ServeTestConvexOptions = {}): Promise<TestConvexServer> {
  const { port = 0, host = '127.0.0.1' } = options
  const http = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('This test server speaks the Convex sync protocol over WebSocket only (/api/<version>/sync).')
  })
  const wss = new WebSocketServer({ server: http })
  wss.on('connection', (ws, req) => {
    if (!/^\/api\/[^/]+\/sync$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
      ws.close(4040, 'Not found')
      return
    }
    const socket: ClientSocket = {
      deliver: data => ws.send(data),
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
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, resolve)
  })
  const address = http.address() as AddressInfo
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate()
      wss.close(() => http.close(() => resolve()))
    }),
  }
}
