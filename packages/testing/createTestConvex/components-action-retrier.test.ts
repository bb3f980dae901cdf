// action-retrier 0.3.1's example app, unmodified, through the real client: the action runs, is
// retried with exponential backoff on the fake clock, and its onComplete gets the result, driven
// by finishScheduled() in both timer orders.
import type { TestConvex } from '.'
import actionRetrier from '@convex-dev/action-retrier/test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/components-action-retrier'

let convex: TestConvex | undefined
afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  await convex?.close()
  expect(convex?.backend.internalErrors ?? []).toEqual([])
  convex = undefined
})

const ORDERS = [
  ['fake timers before createTestConvex', 'before'],
  ['fake timers switched on after it', 'after'],
] as const

/** The example's completion handler logs `runId, result`: what it was called with, and when. */
function completions() {
  const seen: Array<{ runId: unknown, result: any, at: number }> = []
  vi.spyOn(console, 'error').mockImplementation(() => {}) // the component logs each failed attempt
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    if (args.length === 2 && typeof args[1] === 'object' && args[1] && 'type' in args[1])
      seen.push({ runId: args[0], result: args[1], at: Date.now() })
  })
  return seen
}

describe.each(ORDERS)('with %s', (_, order) => {
  async function start() {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules, components: { actionRetrier } })
    await convex.backend.ready()
    if (order === 'after')
      vi.useFakeTimers()
    return convex
  }

  it('runs an action that succeeds and calls onComplete with its success', async () => {
    const c = await start()
    const seen = completions()
    const runId = await c.client.mutation(api.example.kickoffMyAction, { action: 'succeed' })
    await c.backend.finishScheduled()
    expect(seen).toEqual([{ runId, result: { type: 'success', returnValue: null }, at: expect.any(Number) }])
  })

  it('retries a failing action with exponential backoff, then reports the failure', async () => {
    const c = await start()
    const seen = completions()
    const startedAt = Date.now()
    const runId = await c.client.mutation(api.example.kickoffMyAction, { action: 'fail always' })
    await c.backend.finishScheduled()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ runId, result: { type: 'failed', error: expect.stringContaining('action failed.') } })
    // maxFailures 2, initialBackoffMs 1000, base 2: retried after about 1 s, then about 2 s (with jitter).
    expect(seen[0]!.at - startedAt).toBeGreaterThanOrEqual(1000)
    expect(seen[0]!.at - startedAt).toBeLessThan(10_000)
  })
})
