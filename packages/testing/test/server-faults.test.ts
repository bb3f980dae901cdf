// @vitest-environment node
// The served backend (serveTestConvex, what `vueuse-convex dev` serves) under the faults a local
// server meets: malformed frames from any page's WebSocket, broken HTTP, a response stream that
// fails half-way, ports already taken, IPv6 loopback. Each is answered or closes its own
// connection with a reason; none stops the process, and real clients keep being served.
import type { TestConvex } from '../createTestConvex'
import type { TestConvexServer } from '../node'
import { Buffer } from 'node:buffer'
import { connect as connectTcp, createServer } from 'node:net'
import { ConvexClient } from 'convex/browser'
import { httpActionGeneric, httpRouter } from 'convex/server'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { MAX_FRAME_BYTES } from '../_internal/frames'
import { createTestConvex } from '../createTestConvex'
import { ServeError, serveTestConvex } from '../node'
import { api, modules, schema } from './app'

/** The test app with routes that answer two cookies and a body that fails half-way. */
function appWithRoutes() {
  const http = httpRouter()
  http.route({
    path: '/cookies',
    method: 'GET',
    handler: httpActionGeneric(async () => {
      const headers = new Headers({ 'content-type': 'text/plain' })
      headers.append('set-cookie', 'session=abc; Path=/; HttpOnly')
      headers.append('set-cookie', 'theme=dark; Path=/')
      return new Response('two cookies', { headers })
    }),
  })
  http.route({
    path: '/broken-stream',
    method: 'GET',
    handler: httpActionGeneric(async () => {
      let sent = false
      return new Response(new ReadableStream({
        async pull(controller) {
          if (sent) {
            // After the headers and the first chunk are on the wire.
            await new Promise(resolve => setTimeout(resolve, 50))
            return controller.error(new Error('the source failed'))
          }
          sent = true
          controller.enqueue(new TextEncoder().encode('first chunk,'))
        },
      }), { headers: { 'content-type': 'text/plain' } })
    }),
  })
  http.route({
    path: '/slow',
    method: 'GET',
    handler: httpActionGeneric(async () => {
      let n = 0
      return new Response(new ReadableStream({
        async pull(controller) {
          await new Promise(resolve => setTimeout(resolve, 20))
          if (++n > 3)
            return controller.close()
          controller.enqueue(new TextEncoder().encode(`part ${n};`))
        },
      }))
    }),
  })
  const key = Object.keys(modules).find(path => /\/convex\/http\.ts$/.test(path))!
  return { ...modules, [key]: async () => ({ default: http }) }
}

let convex: TestConvex
let server: TestConvexServer | undefined
const clients: ConvexClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.close()))
  await server?.close()
  server = undefined
  await convex?.close()
  expect(convex.backend.internalErrors).toEqual([])
})

async function serve(options = {}) {
  convex = createTestConvex({ schema, modules: appWithRoutes(), crons: false })
  server = await serveTestConvex(convex.backend, options)
  return server
}

function client(url: string) {
  const c = new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })
  clients.push(c)
  return c
}

/** Opens a raw socket from a foreign page, sends `frames`, and resolves with what came back and how it closed. */
function adversary(url: string, frames: Array<string | Buffer>): Promise<{ messages: any[], code: number, reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/1.48.0/sync`, { origin: 'https://evil.example' })
    const messages: any[] = []
    ws.on('open', () => frames.forEach(frame => ws.send(frame)))
    ws.on('message', data => messages.push(JSON.parse(String(data))))
    ws.on('error', reject)
    ws.on('close', (code, reason) => resolve({ messages, code, reason: String(reason) }))
  })
}

const connect = JSON.stringify({ type: 'Connect', sessionId: 'evil-session', connectionCount: 0, lastCloseReason: null, clientTs: 0 })

describe('malformed frames', () => {
  it('close only the connection that sent them, with the reason, and the server keeps answering', async () => {
    const { url } = await serve()
    const live = client(url)
    const values: number[] = []
    live.onUpdate(api.notes.list, {}, notes => values.push(notes.length))
    await expect.poll(() => values).toEqual([0])

    const cases: Array<[Array<string | Buffer>, RegExp]> = [
      [['not json at all'], /not JSON/],
      [[connect, JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 0, newVersion: 1 })], /modifications/],
      [[connect, JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 0, newVersion: 1, modifications: [{ type: 'Add', queryId: 'x', udfPath: 1 }] })], /queryId/],
      [[connect, JSON.stringify({ type: 'Mutation', requestId: 'one', udfPath: 'notes:add', args: [{}] })], /requestId/],
      [[connect, JSON.stringify({ type: 'Authenticate', tokenType: 'User', baseVersion: 0, value: 42 })], /token/],
      [[connect, JSON.stringify({ type: 'Launch', missiles: true })], /Unknown message type "Launch"/],
      [[connect, '[1, 2, 3]'], /JSON object/],
      [[connect, 'null'], /JSON object/],
      [[JSON.stringify({ type: 'Mutation', requestId: 0, udfPath: 'notes:add', args: [{ body: 'no connect' }] })], /first message must be Connect/],
      [[connect, connect], /Connect was sent twice/],
      [[connect, Buffer.from([0, 1, 2, 3])], /binary/],
    ]
    for (const [frames, reason] of cases) {
      const { messages, code, reason: closeReason } = await adversary(url, frames)
      expect(code).toBe(1008)
      expect(closeReason).toMatch(reason)
      expect(messages.at(-1)).toEqual({ type: 'FatalError', error: expect.stringMatching(reason) })
    }
    // A frame over the size limit: ws closes that socket (1009, message too big).
    expect((await adversary(url, [connect, 'x'.repeat(MAX_FRAME_BYTES + 1)])).code).toBe(1009)
    // Arguments that are not Convex values fail that query, not the connection.
    const badArgs = await new Promise<any[]>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/1.48.0/sync`, { origin: 'https://evil.example' })
      const messages: any[] = []
      ws.on('open', () => {
        ws.send(connect)
        ws.send(JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 0, newVersion: 1, modifications: [{ type: 'Add', queryId: 0, udfPath: 'notes:list', args: [{ $weird: 1 }] }] }))
      })
      ws.on('message', (data) => {
        messages.push(JSON.parse(String(data)))
        if (messages.at(-1).type === 'Transition') {
          ws.close()
          resolve(messages)
        }
      })
    })
    expect(badArgs.at(-1).modifications).toEqual([expect.objectContaining({ type: 'QueryFailed', queryId: 0, errorMessage: expect.stringMatching(/Invalid arguments/) })])

    // The server still serves everyone else: a write reaches the live query.
    await client(url).mutation(api.notes.add, { body: 'still here' })
    await expect.poll(() => values.at(-1)).toBe(1)
    expect((await fetch(`${url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'notes:list', args: {} }) })).status).toBe(200)
  }, 60_000)
})

describe('random frames', () => {
  /** A small seeded generator (mulberry32): a failure names its seed and replays. */
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6D2B79F5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }

  it('never stop the server: 300 frames of protocol-shaped noise from a foreign page', async () => {
    const { url } = await serve()
    const seed = 20261205
    const next = random(seed)
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]
    const value = (depth = 0): unknown => pick<() => unknown>([
      () => Math.floor(next() * 10) - 2,
      () => next() * 1e20,
      () => pick(['', 'notes:list', 'notes:add', 'nope:nothing', '\u0000', 'a'.repeat(2000)]),
      () => null,
      () => pick([true, false]),
      () => (depth > 3 ? [] : Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1))),
      () => (depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(next() * 3) }, () => [pick(['$bytes', '$integer', 'body', 'x', '']), value(depth + 1)]))),
    ])()
    const frame = () => JSON.stringify({
      type: pick(['Connect', 'ModifyQuerySet', 'Mutation', 'Action', 'Authenticate', 'Event', 'Ping', undefined]),
      ...Object.fromEntries(['sessionId', 'connectionCount', 'baseVersion', 'newVersion', 'modifications', 'requestId', 'udfPath', 'args', 'tokenType', 'value', 'queryId', 'journal', 'eventType']
        .filter(() => next() < 0.5)
        .map(key => [key, key === 'modifications' ? [{ type: pick(['Add', 'Remove', 'Other']), queryId: value(), udfPath: value(), args: [value()] }] : key === 'args' ? [value()] : value()])),
    })
    for (let socket = 0; socket < 30; socket++)
      await adversary(url, [connect, ...Array.from({ length: 10 }, frame)])
    // Everyone else is still served.
    const c = client(url)
    await c.mutation(api.notes.add, { body: `after seed ${seed}` })
    expect((await c.query(api.notes.list, {})).map((n: any) => n.body)).toContain(`after seed ${seed}`)
  }, 60_000)
})

describe('over HTTP', () => {
  it('answers broken requests with a status and a reason', async () => {
    const { url } = await serve()
    const post = (body: string) => fetch(`${url}/api/mutation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect((await post('{ not json')).status).toBe(400)
    expect((await post('{"path": 5}')).status).toBe(400)
    const badArgs = await post('{"path": "notes:add", "args": {"$weird": 1}}')
    expect(badArgs.status).toBe(560)
    expect((await badArgs.json()).errorMessage).toBeTruthy()
    expect((await fetch(`${url}/api/query`)).status).toBe(405)
    expect((await fetch(`${url}/nothing/here`)).status).toBe(404)
    expect((await fetch(`${url}/api/query`, { method: 'POST', headers: { authorization: 'Bearer not.a.jwt' }, body: '{}' })).status).toBe(401)
  })

  it('answers requests with a broken Host, none at all, or a garbage request line, and keeps serving', async () => {
    const { url } = await serve()
    const { port } = new URL(url)
    const raw = (text: string) => new Promise<string>((resolve) => {
      // Written, not ended: the server answers before it closes (Connection: close).
      const socket = connectTcp(Number(port), '127.0.0.1', () => socket.write(text))
      let answer = ''
      socket.on('data', chunk => answer += chunk)
      socket.on('close', () => resolve(answer))
      socket.on('error', () => resolve(answer))
    })
    expect(await raw('POST /api/query HTTP/1.1\r\nHost: %%%bad host%%%\r\nContent-Type: application/json\r\nContent-Length: 32\r\nConnection: close\r\n\r\n{"path":"notes:list","args":{}}\n')).toMatch(/^HTTP\/1\.1 200/)
    expect(await raw('GET /api/query_ts HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 (200|400)/)
    expect(await raw('THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)
    await expect(client(url).query(api.notes.list, {})).resolves.toEqual([])
  })

  it('keeps every header (two Set-Cookie stay two) and streams bodies as they come', async () => {
    const { siteUrl } = await serve()
    const cookies = await fetch(`${siteUrl}/cookies`)
    expect(cookies.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/'])
    expect(await cookies.text()).toBe('two cookies')
    const reader = (await fetch(`${siteUrl}/slow`)).body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('part 1;')
    let rest = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value)
    expect(rest).toBe('part 2;part 3;')
  })

  it('ends a response whose stream fails after its headers, and nothing else', async () => {
    const { url, siteUrl } = await serve()
    const response = await fetch(`${siteUrl}/broken-stream`)
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
    // Still serving.
    expect(await (await fetch(`${siteUrl}/cookies`)).text()).toBe('two cookies')
    await expect(client(url).query(api.notes.list, {})).resolves.toEqual([])
  })
})

/** A port nothing listens on (taken, then given back). */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as { port: number }
  await new Promise(resolve => s.close(resolve))
  return port
}

/** Holds `port` (or a free one) until `close`. */
async function occupy(port = 0) {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(port, '127.0.0.1', resolve))
  return { port: (s.address() as { port: number }).port, close: () => new Promise(resolve => s.close(resolve)) }
}

describe('ports and hosts', () => {
  it('refuses a port in use with a one-line message and its code, and leaves nothing half-started', async () => {
    convex = createTestConvex({ schema, modules, crons: false })
    const taken = await occupy()
    try {
      const error = await serveTestConvex(convex.backend, { port: taken.port }).catch(e => e)
      expect(error).toBeInstanceOf(ServeError)
      expect(error.code).toBe('EADDRINUSE')
      expect(error.message).toMatch(new RegExp(`Port ${taken.port} on 127\\.0\\.0\\.1 is in use.*--port <n>`))
      expect(error.message).not.toContain('\n')

      // Only the site port taken: the API port is given back too.
      const apiPort = await freePort()
      const siteError = await serveTestConvex(convex.backend, { port: apiPort, sitePort: taken.port }).catch(e => e)
      expect(siteError.code).toBe('EADDRINUSE')
      expect(siteError.message).toMatch(/--site-port <n>/)
      const again = await occupy(apiPort)
      await again.close()
      expect(convex.backend.url).toMatch(/\.convex\.test$/) // never served
    }
    finally {
      await taken.close()
    }
  })

  it('serves on IPv6 loopback with bracketed URLs', async () => {
    const { url, siteUrl } = await serve({ host: '::1' })
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    expect(siteUrl).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const c = client(url)
    await c.mutation(api.notes.add, { body: 'over ipv6' })
    expect((await c.query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['over ipv6'])
    expect(await (await fetch(`${siteUrl}/cookies`)).text()).toBe('two cookies')
  })
})
