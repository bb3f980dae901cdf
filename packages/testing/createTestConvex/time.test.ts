// Time behaves as on a deployment, whichever order a test fakes it in: scheduled functions run at
// their time, crons and the keep-alive follow fake timers switched on after the backend started,
// and the client stays connected through any jump of the clock.
import type { TestConvex } from '.'
import { cronJobs } from 'convex/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, internal, modules, schema } from '../test/app'

let convex: TestConvex | undefined
afterEach(async () => {
  vi.useRealTimers()
  await convex?.close()
  expect(convex?.backend.internalErrors ?? []).toEqual([])
  convex = undefined
})

/** The test app with one cron: `interval` every minute (the app's own crons run hours apart). */
function withMinuteCron() {
  const crons = cronJobs()
  crons.interval('every minute', { minutes: 1 }, internal.ticks.record, { job: 'minute' })
  return { ...modules, [Object.keys(modules).find(path => path.endsWith('/crons.ts'))!]: async () => ({ default: crons }) }
}

const ORDERS = [
  ['fake timers before createTestConvex', 'before'],
  ['fake timers switched on after it, in the test', 'after'],
] as const

/** Starts the backend with fake timers switched on `order` it (the two orders the docs allow). */
async function start(order: 'before' | 'after', options: { crons?: boolean, modules?: typeof modules } = {}) {
  if (order === 'before')
    vi.useFakeTimers()
  convex = createTestConvex({ schema, modules: options.modules ?? modules, crons: options.crons ?? false })
  await convex.flush() // connected
  if (order === 'after')
    vi.useFakeTimers()
  return convex
}

const times = (job: string) => convex!.client.query(api.ticks.times, { job })

describe.each(ORDERS)('with %s', (_, order) => {
  it('finishScheduled() runs a scheduled function at its scheduled time, not later', async () => {
    const c = await start(order)
    const scheduledAt = Date.now()
    await c.client.mutation(api.ticks.later, { job: 'five', delayMs: 5000 })
    await c.backend.finishScheduled()
    const [at] = await times('five')
    expect(at - scheduledAt).toBe(5000)
  })

  it('finishScheduled() runs what scheduled functions schedule, and the client stays connected and settled after real timers return', async () => {
    const c = await start(order)
    await c.client.mutation(api.ticks.later, { job: 'far', delayMs: 120_000 })
    await c.backend.finishScheduled(vi.runOnlyPendingTimers) // the docs' old recipe still works
    expect(await times('far')).toHaveLength(1)
    vi.useRealTimers()
    await expect(c.client.mutation(api.notes.add, { body: 'after' })).resolves.toBeTruthy()
    expect(await c.client.query(api.notes.list, {})).toHaveLength(1)
    expect(c.backend.stats.connectionsOpened).toBe(1)
  })

  it('a live query over _scheduled_functions sees the job finish', async () => {
    const c = await start(order)
    const seen: string[] = []
    const stop = c.client.onUpdate(api.ticks.scheduled, {}, jobs => seen.push(jobs.map(j => j.state).join()))
    await c.flush()
    await c.client.mutation(api.ticks.later, { job: 'watched', delayMs: 1000 })
    await c.flush()
    expect(seen.at(-1)).toBe('pending')
    await c.backend.finishScheduled()
    await c.flush()
    expect(seen.at(-1)).toBe('success')
    stop()
  })

  it('crons run on the fake clock, and an interval cron first runs when deployed', async () => {
    const c = await start(order, { crons: true, modules: withMinuteCron() })
    await vi.advanceTimersByTimeAsync(0)
    await c.flush()
    expect(await times('minute')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(61_000)
    await c.flush()
    expect(await times('minute')).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    await c.flush()
    expect(await times('minute')).toHaveLength(12)
  })

  it('a jump of hours never looks like server silence to the client', async () => {
    const c = await start(order)
    await vi.advanceTimersByTimeAsync(6 * 3600_000)
    await c.flush()
    expect(await c.client.query(api.notes.list, {})).toEqual([])
    expect(c.backend.stats.connectionsOpened).toBe(1)
  })

  it('finishScheduled(vi.runAllTimers) is refused before any timer runs', async () => {
    const c = await start(order)
    await c.client.mutation(api.ticks.later, { job: 'refused', delayMs: 1000 })
    const before = vi.getTimerCount()
    await expect(c.backend.finishScheduled(vi.runAllTimers)).rejects.toThrow(/vi\.runAllTimers never ends while a client is connected .*so nothing was run\. Call finishScheduled\(\) without it/)
    expect(vi.getTimerCount()).toBe(before)
    expect(await times('refused')).toEqual([])
  })
})

describe('on real timers', () => {
  it('finishScheduled() waits for a function due soon, and says what to do for one due later', async () => {
    convex = createTestConvex({ schema, modules, crons: false })
    await convex.client.mutation(api.ticks.later, { job: 'soon', delayMs: 50 })
    await convex.backend.finishScheduled()
    expect(await times('soon')).toHaveLength(1)
    await convex.client.mutation(api.ticks.later, { job: 'minute', delayMs: 60_000 })
    await expect(convex.backend.finishScheduled()).rejects.toThrow(/the next scheduled function is due in 60 s and the timers are real.*Use fake timers \(vi\.useFakeTimers\(\), before or after createTestConvex\)/)
  })

  it('flush() waits for a scheduled function that is running', async () => {
    convex = createTestConvex({ schema, modules, crons: false })
    await convex.client.mutation(api.ticks.laterSlowly, { job: 'slow' })
    await convex.flush()
    expect(await times('slow')).toHaveLength(1)
  })
})

describe('query set changes under latency', () => {
  /** A small seeded PRNG, so a failure can be replayed. */
  function random(seed: number) {
    return () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
  }

  it('applies a connection\'s changes in order: a remove behind a delayed add removes it', async () => {
    convex = createTestConvex({ schema, modules, crons: false })
    await convex.flush()
    convex.backend.setLatency(api.ticks.count, 30)
    const stop = convex.client.onUpdate(api.ticks.count, { job: 'x' }, () => {})
    await new Promise(resolve => setTimeout(resolve, 0)) // the add is sent
    stop() // the remove, sent while the add waits
    await new Promise(resolve => setTimeout(resolve, 60))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it.each([1, 2, 3])('seeded fuzz %i: after quiescence the server holds exactly the live queries, and none after unmount', async (seed) => {
    convex = createTestConvex({ schema, modules, crons: false })
    await convex.flush()
    const next = random(seed)
    const live = new Map<number, { job: string, stop: () => void }>()
    let id = 0
    for (let step = 0; step < 400; step++) {
      const r = next()
      if (r < 0.15)
        convex.backend.setLatency(next() < 0.5 ? 0 : Math.floor(next() * 20))
      if (r < 0.5 || live.size === 0) { // mount
        const job = `job-${Math.floor(next() * 8)}`
        live.set(id++, { job, stop: convex.client.onUpdate(api.ticks.count, { job }, () => {}) })
      }
      else if (r < 0.8) { // unmount
        const [key, entry] = [...live][Math.floor(next() * live.size)]
        entry.stop()
        live.delete(key)
      }
      else { // change the arguments
        const [key, entry] = [...live][Math.floor(next() * live.size)]
        entry.stop()
        const job = `job-${Math.floor(next() * 8)}`
        live.set(key, { job, stop: convex.client.onUpdate(api.ticks.count, { job }, () => {}) })
      }
      if (next() < 0.3)
        await new Promise(resolve => setTimeout(resolve, Math.floor(next() * 5)))
    }
    await new Promise(resolve => setTimeout(resolve, 40))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(new Set([...live.values()].map(e => e.job)).size)
    for (const entry of live.values()) entry.stop()
    await new Promise(resolve => setTimeout(resolve, 40))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  }, 20_000)
})

it('follows timer swaps through one accessor of setTimeout, however many backends a process makes', async () => {
  const first = createTestConvex({ schema, modules, crons: false })
  await first.client.mutation(api.notes.add, { body: 'a' }) // convex-test puts its accessors in front at a function's start
  const before = Object.getOwnPropertyDescriptor(globalThis, 'setTimeout')!.get
  for (let i = 0; i < 5; i++) {
    const more = createTestConvex({ schema, modules, crons: false })
    await more.client.mutation(api.notes.add, { body: 'b' })
    await more.close()
  }
  expect(Object.getOwnPropertyDescriptor(globalThis, 'setTimeout')!.get).toBe(before)
  await first.close()
})
