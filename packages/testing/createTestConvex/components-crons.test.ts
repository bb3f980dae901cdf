// The crons component 0.2.2's example app, unmodified: crons registered at runtime, run on the
// fake clock by the component's own scheduler (runAfter/runAt chains), driven by
// finishScheduled() in both timer orders. Its functions are internal: the test calls them
// through backend.t, before any client call, as an init script would.
import type { TestConvex } from '.'
import cronsTest from '@convex-dev/crons/test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { internal, modules, schema } from '../test/components-crons'

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

/** What the example logs (its functions report through console.log), with the fake time. */
function logs() {
  const seen: Array<{ line: string, at: number }> = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    seen.push({ line: args.map(a => typeof a === 'string' ? a : JSON.stringify(a)).join(' '), at: Date.now() })
  })
  return seen
}

describe.each(ORDERS)('with %s', (_, order) => {
  async function start() {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules, components: { crons: cronsTest } })
    await convex.backend.ready()
    if (order === 'after')
      vi.useFakeTimers()
    return convex
  }

  it('runs a cron that deletes itself on its first run, 10 s later, and finishScheduled() ends there', async () => {
    const c = await start()
    const seen = logs()
    const startedAt = Date.now()
    await c.backend.t.mutation(internal.example.selfDeletingCron, {})
    await c.backend.finishScheduled()
    const deleted = seen.filter(l => l.line.startsWith('Self-deleting cron job has been deleted'))
    expect(deleted).toHaveLength(1)
    expect(deleted[0]!.at - startedAt).toBeGreaterThanOrEqual(10_000)
    expect(deleted[0]!.at - startedAt).toBeLessThan(11_000)
  })

  it('registers, reads and deletes crons in one transaction: nothing of them runs', async () => {
    const c = await start()
    const seen = logs()
    await c.backend.t.mutation(internal.example.doSomeStuff, {})
    await c.backend.finishScheduled()
    expect(seen.filter(l => l.line === 'Deleted cron job (should be null): null')).toHaveLength(2)
    // logStuff (the crons' function) never ran: it would log its message alone.
    expect(seen.filter(l => l.line === 'Hourly cron test' || l.line === 'Minutely cron test')).toEqual([])
  })

  it('runs a daily cron registered at runtime once a day', async () => {
    const c = await start()
    const seen = logs()
    await c.backend.t.mutation(internal.example.registerDailyCron, {})
    await vi.advanceTimersByTimeAsync(2 * 24 * 3600_000)
    await c.flush()
    expect(seen.filter(l => l.line === 'daily cron')).toHaveLength(2)
  })
})
