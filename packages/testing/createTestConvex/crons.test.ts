// Crons as a deployment runs them: checked when the functions are pushed, the app's and each
// component's own, interval jobs run at deploy, before any client call.
import type { TestConvex } from '.'
import { cronJobs } from 'convex/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, counter, internal, modules, schema } from '../test/kit'

let convex: TestConvex | undefined
afterEach(async () => {
  vi.useRealTimers()
  await convex?.close()
  convex = undefined
})

/** The kit app with `define` as its convex/crons.ts. */
function withCrons(define: (crons: ReturnType<typeof cronJobs>) => void) {
  const crons = cronJobs()
  define(crons)
  return { ...modules, './convex/crons.ts': async () => ({ default: crons }) }
}

const ORDERS = [
  ['fake timers before createTestConvex', 'before'],
  ['fake timers switched on after it', 'after'],
] as const

describe.each(ORDERS)('with %s', (_, order) => {
  it('runs an interval cron at deploy, before any client call, and then every interval', async () => {
    if (order === 'before')
      vi.useFakeTimers()
    const startedAt = Date.now()
    convex = createTestConvex({ schema, modules: withCrons((crons) => {
      crons.interval('mark', { hours: 1 }, internal.chain.record, { name: 'deploy' })
      crons.interval('cleanup', { hours: 1 }, internal.chain.clear, {})
    }) })
    // The deploy-time runs came first: the mark (then cleared), before the client's first call.
    await convex.client.mutation(api.chain.add, { name: 'kept' })
    expect(await convex.client.query(api.chain.times, { name: 'kept' })).toHaveLength(1)
    if (order === 'after')
      vi.useFakeTimers()
    // Written after start-up: the next cleanup is an hour away.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(await convex.client.query(api.chain.times, { name: 'kept' })).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60 * 60_000 - (Date.now() - startedAt) + 1000)
    await convex.flush()
    expect(await convex.client.query(api.chain.times, { name: 'kept' })).toHaveLength(0)
    expect(convex.backend.internalErrors).toEqual([])
  })

  it('has run the deploy-time run of an interval cron when the first client call comes', async () => {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules: withCrons(crons => crons.interval('mark', { hours: 1 }, internal.chain.record, { name: 'deploy' })) })
    expect(await convex.client.query(api.chain.times, { name: 'deploy' })).toHaveLength(1)
  })

  it('runs a component\'s own crons.ts, as a deployment does', async () => {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules, components: { counter } })
    await convex.backend.ready()
    // The counter's interval job ran at deploy...
    expect(await convex.client.query(api.counted.ticks, {})).toHaveLength(1)
    if (order === 'after')
      vi.useFakeTimers()
    // ...and runs every 30 minutes.
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    await convex.flush()
    expect(await convex.client.query(api.counted.ticks, {})).toHaveLength(3)
    expect(convex.backend.internalErrors).toEqual([])
  })
})

describe('cron schedules are checked when the functions are deployed', () => {
  it('refuses a cron expression that never matches a date with a deploy error naming the job, never an unhandled rejection', async () => {
    convex = createTestConvex({ schema, modules: withCrons(crons => crons.cron('leap day', '0 0 31 2 *', internal.chain.clear, {})) })
    await expect(convex.backend.ready()).rejects.toThrow(/Cron job "leap day" in convex\/crons\.ts: Cron expression "0 0 31 2 \*" never matches a date/)
    expect(convex.backend.internalErrors).toHaveLength(1)
  })

  it('refuses a wrapping weekday range (fri-mon) clearly', async () => {
    convex = createTestConvex({ schema, modules: withCrons(crons => crons.cron('weekend', '0 9 * * fri-mon', internal.chain.clear, {})) })
    await expect(convex.backend.ready()).rejects.toThrow(/Cron job "weekend" in convex\/crons\.ts: Cron expression "0 9 \* \* fri-mon": .*larger than/)
  })

  it('refuses a deploy with a bad schedule and keeps the functions that were running', async () => {
    convex = createTestConvex({ schema, modules, crons: true })
    await convex.backend.ready()
    await expect(convex.backend.deploy({ schema, modules: withCrons(crons => crons.cron('never', '0 0 30 2 *', internal.chain.clear, {})) })).rejects.toThrow(/Cron job "never"/)
    await convex.client.mutation(api.chain.start, { name: 'still', length: 1 })
    await convex.backend.finishScheduled()
    expect(await convex.client.query(api.chain.times, { name: 'still' })).toHaveLength(1)
    expect(convex.backend.internalErrors).toEqual([])
  })
})

describe('a module whose import fails', () => {
  it('is reported to the client with its import error, not as a missing function', async () => {
    convex = createTestConvex({ schema, modules, crons: false })
    await expect(convex.client.query(api.broken.answer, {})).rejects.toThrow(/broken\.ts failed to load.*vueuse-convex-not-installed/s)
  })

  it('fails the deploy of a cron that runs one of its functions (never silently)', async () => {
    convex = createTestConvex({ schema, modules: withCrons(crons => crons.interval('broken', { minutes: 5 }, internal.broken.job, {})) })
    await expect(convex.backend.ready()).rejects.toThrow(/broken\.ts failed to load.*vueuse-convex-not-installed/s)
    expect(convex.backend.internalErrors).toHaveLength(1)
  })
})
