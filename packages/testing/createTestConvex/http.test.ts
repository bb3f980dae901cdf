// @vitest-environment node
// The backend over HTTP, as a deployment answers it: Convex's HTTP API (ConvexHttpClient),
// storage URLs and the app's http.ts routes — in-process through fetch, and over a real server.
import type { TestConvexServer } from '../node'
import { ConvexHttpClient } from 'convex/browser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestConvex, createTestToken } from '.'
import { serveTestConvex } from '../node'
import { api, internal, modules, schema } from '../test/app'

let convex: ReturnType<typeof createTestConvex>
beforeEach(() => {
  convex = createTestConvex({ schema, modules })
})
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

const token = (sub: string) => createTestToken({ sub, iss: 'https://auth.fixture.test', aud: 'fixture-app' })

/** The same checks in-process (fetch to backend.url) and over a served backend. */
describe.each([
  ['in-process', async () => ({ url: convex.backend.url, siteUrl: convex.backend.siteUrl, close: async () => {} })],
  ['served', async () => serveTestConvex(convex.backend)],
] as const)('%s', (_, start) => {
  let server: Pick<TestConvexServer, 'url' | 'siteUrl' | 'close'>
  beforeEach(async () => {
    server = await start()
  })
  afterEach(() => server.close())

  it('answers ConvexHttpClient: queries, mutations, actions, errors and auth', async () => {
    const http = new ConvexHttpClient(server.url, { skipConvexDeploymentUrlCheck: true, logger: false })
    expect(await http.query(api.notes.whoami, {})).toBeNull()
    await http.mutation(api.notes.add, { body: 'over http' })
    expect((await http.query(api.notes.list, {})).map(n => n.body)).toEqual(['over http'])
    // Only public functions, with a deployment's message.
    await expect(http.mutation(internal.notes.clearAll as any, {})).rejects.toThrow(/Could not find public function for 'notes:clearAll'/)
    await expect(http.query(api.notes.add as any, { body: 'x' })).rejects.toThrow('Trying to execute notes:add as Query, but it is defined as Mutation.')
    // The token is checked against auth.config.ts.
    http.setAuth(token('user_7'))
    expect(await http.query(api.notes.whoami, {})).toBe('user_7')
    http.setAuth(createTestToken({ sub: 'intruder', iss: 'https://evil.test', aud: 'fixture-app' }))
    await expect(http.query(api.notes.whoami, {})).rejects.toThrow(/No auth provider found matching the given token/)
  })

  it('answers /api/run and curl-style JSON requests', async () => {
    await convex.backend.run(ctx => ctx.db.insert('notes', { body: 'seeded' }))
    const response = await fetch(`${server.url}/api/run/notes/list`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: {}, format: 'json' }) })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.status).toBe('success')
    expect(body.value.map((n: any) => n.body)).toEqual(['seeded'])
    const failed = await fetch(`${server.url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'notes:nope', args: {} }) })
    expect(failed.status).toBe(560)
    expect((await failed.json()).errorMessage).toMatch(/Could not find public function for 'notes:nope'/)
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404)
  })

  it('serves upload URLs and file URLs: stored bytes come back with their content type', async () => {
    const uploadUrl = await convex.client.mutation(api.files.generateUploadUrl, {})
    expect(uploadUrl.startsWith(`${server.url}/api/storage/upload?token=`)).toBe(true)
    const uploaded = await fetch(uploadUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello file' })
    expect(uploaded.status).toBe(200)
    const { storageId } = await uploaded.json()
    await convex.client.mutation(api.files.save, { storageId, name: 'hello.txt' })
    const [file] = await convex.client.query(api.files.list, {})
    expect(file.url!.startsWith(server.url)).toBe(true)
    const served = await fetch(file.url!)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('text/plain')
    expect(await served.text()).toBe('hello file')
  })

  it('records what a deployment records of a stored file (size, sha256, content type) and serves it with a Digest', async () => {
    const uploadUrl = await convex.client.mutation(api.files.generateUploadUrl, {})
    const { storageId } = await (await fetch(uploadUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello file' })).json()
    await fetch(`${server.siteUrl}/upload?name=photo.png`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array([137, 80, 78, 71]) })
    const sha256 = async (bytes: BufferSource) => btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))))
    expect(await convex.client.query(api.files.stored, {})).toEqual([
      { sha256: await sha256(new TextEncoder().encode('hello file')), size: 10, contentType: 'text/plain' },
      { sha256: await sha256(new Uint8Array([137, 80, 78, 71])), size: 4, contentType: 'image/png' },
    ])
    await convex.client.mutation(api.files.save, { storageId, name: 'hello.txt' })
    const file = (await convex.client.query(api.files.list, {})).find(f => f.name === 'hello.txt')!
    const served = await fetch(file.url!)
    expect(served.headers.get('digest')).toBe(`sha-256=${await sha256(new TextEncoder().encode('hello file'))}`)
    expect(served.headers.get('content-type')).toBe('text/plain')
  })

  it('sends a CORS preflight to the site URL to the app\'s own OPTIONS route; the API answers its own', async () => {
    const preflight = await fetch(`${server.siteUrl}/cors`, { method: 'OPTIONS', headers: { 'origin': 'https://app.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(preflight.headers.get('vary')).toBe('origin')
    expect((await fetch(`${server.url}/api/query`, { method: 'OPTIONS' })).status).toBe(204)
  })

  it('routes the app\'s http.ts: paths, path prefixes, auth, and a file stored while a client is subscribed', async () => {
    const seen: string[][] = []
    const unsubscribe = convex.client.onUpdate(api.files.list, {}, files => seen.push(files.map(f => f.name)))
    const notes: string[][] = []
    const unsubscribeNotes = convex.client.onUpdate(api.notes.list, {}, list => notes.push(list.map(n => n.body)))
    await convex.flush()
    const stored = await fetch(`${server.siteUrl}/upload?name=photo.png`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array([137, 80, 78, 71]) })
    expect(stored.status).toBe(200)
    expect((await stored.json()).storageId).toEqual(expect.any(String))
    await convex.flush()
    expect(seen.at(-1)).toEqual(['photo.png'])

    const hook = await fetch(`${server.siteUrl}/hooks/github`, { method: 'POST', headers: { authorization: `Bearer ${token('user_3')}` }, body: 'push' })
    expect(hook.status).toBe(201)
    expect(await hook.text()).toBe('user_3')
    expect(await (await fetch(`${server.siteUrl}/notes`)).json()).toEqual(['hook /hooks/github: push'])
    await convex.flush()
    expect(notes.at(-1)).toEqual(['hook /hooks/github: push'])
    expect((await fetch(`${server.siteUrl}/nowhere`)).status).toBe(404)
    unsubscribe()
    unsubscribeNotes()
  })
})

it('stops answering fetch once closed, and never lets a request leave the machine', async () => {
  const { url } = convex.backend
  expect(new URL(url).hostname.endsWith('.test')).toBe(true)
  await convex.close()
  await expect(fetch(`${url}/api/query_ts`, { method: 'POST' })).rejects.toThrow()
})

it('stores files from HTTP actions while subscribed queries and mutations run at the same time', async () => {
  const counts: number[] = []
  for (let i = 0; i < 5; i++) convex.client.onUpdate(api.files.list, {}, files => counts.push(files.length))
  convex.client.onUpdate(api.notes.list, {}, () => {})
  await convex.flush()
  const statuses = await Promise.all(Array.from({ length: 80 }, async (_, i) => {
    const [response] = await Promise.all([
      fetch(`${convex.backend.siteUrl}/upload?name=f${i}`, { method: 'POST', body: `file ${i}` }),
      convex.client.mutation(api.notes.add, { body: `note ${i}` }),
    ])
    return response.status
  }))
  await convex.flush()
  expect(statuses).toEqual(Array.from({ length: 80 }, () => 200))
  expect(counts.at(-1)).toBe(80)
  expect(await convex.client.query(api.notes.list, {})).toHaveLength(80)
})

it('says so when the app has no convex/http.ts', async () => {
  const withoutRouter = Object.fromEntries(Object.entries(modules).filter(([path]) => !path.endsWith('/http.ts')))
  const other = createTestConvex({ schema, modules: withoutRouter })
  const response = await fetch(`${other.backend.siteUrl}/anything`, { method: 'POST', body: 'x' })
  expect(response.status).toBe(404)
  expect((await response.json()).message).toMatch(/no convex\/http.ts: export default an httpRouter\(\)/)
  await other.close()
})
