// @vitest-environment node
import type { TestConvex } from '.'
import type { TestConvexServer } from '../node'
import { ConvexClient } from 'convex/browser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../../../docs/backend'
import { serveTestConvex } from '../node'

let convex: TestConvex
let server: TestConvexServer
let client: ConvexClient
beforeEach(async () => {
  convex = createTestConvex({ schema, modules })
  server = await serveTestConvex(convex.backend)
  client = new ConvexClient(server.url, { skipConvexDeploymentUrlCheck: true, logger: false })
})
afterEach(async () => {
  await client.close()
  await server.close()
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

describe('serveTestConvex', () => {
  it('listens on loopback and serves the sync protocol to an unmodified ConvexClient', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await expect(client.action(api.ai.model, {})).resolves.toBe('in-memory-model-1')
    const values: number[] = []
    client.onUpdate(api.counter.get, { name: 'ws' }, v => values.push(v))
    await vi.waitFor(() => expect(values).toEqual([0]))
    // A write from the in-process client reaches the one over the real socket.
    await convex.client.mutation(api.counter.increment, { name: 'ws', by: 3 })
    await vi.waitFor(() => expect(values.at(-1)).toBe(3))
  })

  it('drops real connections on backend.disconnect(), and the client reconnects', async () => {
    const values: number[] = []
    client.onUpdate(api.counter.get, { name: 'drop' }, v => values.push(v))
    await vi.waitFor(() => expect(values).toEqual([0]))
    convex.backend.disconnect()
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'drop', value: 5 }))
    await vi.waitFor(() => expect(values.at(-1)).toBe(5), { timeout: 5000 })
    expect(convex.backend.stats.connectionsOpened).toBeGreaterThanOrEqual(3)
  })
})
