// Scheduled functions and crons as a deployment runs them, driven by finishScheduled(), in both
// orders a test may fake time in (fake timers before or after createTestConvex).
import type { TestConvex } from '.'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, internal, modules, schema } from '../test/kit'

let convex: TestConvex | undefined
afterEach(async () => {
  vi.useRealTimers()
  await convex?.close()
  expect(convex?.backend.internalErrors ?? []).toEqual([])
  convex = undefined
})

const ORDERS = [
  ['fake timers before createTestConvex', 'before'],
  ['fake timers switched on after it', 'after'],
] as const

async function start(order: 'before' | 'after', options: Partial<Parameters<typeof createTestConvex>[0]> = {}) {
  if (order === 'before')
    vi.useFakeTimers()
  convex = createTestConvex({ schema, modules, ...options })
  await convex.flush()
  if (order === 'after')
    vi.useFakeTimers()
  return convex
}

describe.each(ORDERS)('with %s', (_, order) => {
  it('finishScheduled() finishes a chain of runAfter(0) scheduled by scheduled functions, each at once', async () => {
    const c = await start(order)
    const startedAt = Date.now()
    await c.client.mutation(api.chain.start, { name: 'chain', length: 5 })
    await c.backend.finishScheduled()
    const times = await c.client.query(api.chain.times, { name: 'chain' })
    expect(times).toHaveLength(5)
    // runAfter(0) runs at once, as on a deployment (each commit moves a frozen clock by 1 ms at most).
    expect(Math.max(...times) - startedAt).toBeLessThan(10)
    expect(await c.client.query(api.chain.scheduled, {})).toEqual(Array.from({ length: 5 }, () => ({ name: 'chain:step', state: 'success' })))
  })

  it('finishScheduled() tracks work scheduled through backend.t before any client call', async () => {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules })
    await convex.backend.t.mutation(internal.chain.step, { name: 'direct', left: 2 })
    if (order === 'after')
      vi.useFakeTimers()
    await convex.backend.finishScheduled()
    expect(await convex.client.query(api.chain.times, { name: 'direct' })).toHaveLength(3)
    expect((await convex.client.query(api.chain.scheduled, {})).map(job => job.state)).toEqual(['success', 'success'])
  })
})

it('finishScheduled() says what to do, instead of waiting forever, when a scheduled action waits on a fake timer of its own', async () => {
  vi.useFakeTimers()
  convex = createTestConvex({ schema, modules })
  await convex.flush()
  await convex.client.mutation(api.chain.startWaiting, { ms: 5_000 })
  await expect(convex.backend.finishScheduled()).rejects.toThrow(/waiting on a timer of its own.*vi\.advanceTimersByTimeAsync/)
  // Moved by the test, it finishes.
  await vi.advanceTimersByTimeAsync(5_000)
  await convex.backend.finishScheduled()
}, 60_000)
