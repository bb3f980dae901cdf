// workpool 0.4.8's example app, unmodified, through the real client: work enqueued on its pools
// runs, live queries over the component's status follow it, onComplete callbacks get results,
// and failing actions are retried with backoff (or not, for NonRetryableError), driven by
// finishScheduled() in both timer orders.
import type { TestConvex } from '.'
import staticHosting from '@convex-dev/static-hosting/test'
import workpoolOld from '@convex-dev/workpool-old/test'
import workpool from '@convex-dev/workpool/test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/components-workpool'

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

// The instances of the example's convex.config.ts (static hosting's default name is selfHosting).
const components = {
  smallPool: workpool,
  bigPool: workpool,
  serializedPool: workpool,
  testWorkpool: workpool,
  oldWorkpool: workpoolOld,
  selfHosting: staticHosting,
}

/** The pools log at INFO: each `completed` event the component reports, in order. */
function completedEvents() {
  const seen: Array<{ fnName: string, status: string, attempts: number, completedAt: number }> = []
  vi.spyOn(console, 'log').mockImplementation(() => {}) // actions' logs
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] !== 'string' || !args[0].startsWith('{'))
      return
    const event = JSON.parse(args[0])
    if (event.component === 'workpool' && event.event === 'completed')
      seen.push(event)
  })
  return seen
}

describe.each(ORDERS)('with %s', (_, order) => {
  async function start() {
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules, components })
    await convex.backend.ready()
    if (order === 'after')
      vi.useFakeTimers()
    return convex
  }

  it('runs an enqueued mutation, and a live query over the pool\'s status follows it to finished', async () => {
    const c = await start()
    const events = completedEvents()
    const id = await c.client.mutation(api.example.enqueueOneMutation, { data: 42 })
    const states: string[] = []
    const stop = c.client.onUpdate(api.example.status, { id }, status => states.push(status.state))
    await c.flush()
    expect(states).toEqual(['pending'])
    await c.backend.finishScheduled()
    await c.flush()
    expect(states.at(-1)).toBe('finished')
    expect(await c.client.query(api.example.queryData, {})).toEqual([42])
    expect(events).toMatchObject([{ fnName: expect.stringContaining('addMutation'), status: 'success', attempts: 1 }])
    stop()
  })

  it('runs an action\'s thirty mutations on a pool of three, and a live query sees all their data', async () => {
    const c = await start()
    const events = completedEvents()
    const lengths: number[] = []
    const stop = c.client.onUpdate(api.example.queryData, {}, data => lengths.push(data.length))
    await c.client.action(api.example.enqueueABunchOfMutations, {})
    await c.backend.finishScheduled()
    await c.flush()
    expect(lengths[0]).toBe(0)
    expect(lengths.at(-1)).toBe(30)
    expect(events).toHaveLength(30)
    expect(events.every(event => event.status === 'success')).toBe(true)
    stop()
  })

  it('calls the onComplete of an enqueued query with its result', async () => {
    const c = await start()
    completedEvents()
    const warned: unknown[][] = []
    vi.mocked(console.warn).mockImplementation((...args: unknown[]) => warned.push(args))
    await c.client.mutation(api.example.addMutation, { data: 7 })
    await c.client.mutation(api.example.enqueueOneQuery, {})
    const enqueuedAt = Date.now()
    await c.backend.finishScheduled()
    // example:complete logs "now minus its result" (the query's [7], meant as a time) and the total.
    expect(warned).toEqual([['onComplete delay', expect.any(Number)], ['total', expect.any(Number)]])
    expect(warned[0]![1]).toBeGreaterThanOrEqual(enqueuedAt - 7)
    expect(warned[0]![1]).toBeLessThanOrEqual(Date.now() - 7)
  })

  it('does not retry an action that throws NonRetryableError, and its onComplete gets the error', async () => {
    const c = await start()
    const events = completedEvents()
    const errors: string[][] = []
    const stop = c.client.onUpdate(api.test.nonRetryable.terminalCompletionErrors, {}, value => errors.push(value))
    const id = await c.client.mutation(api.test.nonRetryable.enqueueTerminalAction, {})
    await c.backend.finishScheduled()
    await c.flush()
    expect(await c.client.query(api.example.status, { id })).toEqual({ state: 'finished' })
    expect(await c.client.query(api.test.nonRetryable.terminalAttemptCount, {})).toBe(1)
    expect(errors.at(-1)).toEqual(['terminal failure'])
    expect(events).toMatchObject([{ status: 'failed', attempts: 1 }])
    stop()
  })

  it('passes a failing mutation\'s error to its onComplete, and a NonRetryableError from a nested query ends an action\'s retries', async () => {
    const c = await start()
    const events = completedEvents()
    const errors: string[][] = []
    const stop = c.client.onUpdate(api.test.nonRetryable.terminalCompletionErrors, {}, value => errors.push(value))
    const mutationId = await c.client.mutation(api.test.nonRetryable.enqueueTerminalMutationWithRetry, {})
    const actionId = await c.client.mutation(api.test.nonRetryable.enqueueTerminalActionCallingQuery, {})
    await c.backend.finishScheduled()
    await c.flush()
    expect(await c.client.query(api.example.status, { id: mutationId })).toEqual({ state: 'finished' })
    expect(await c.client.query(api.example.status, { id: actionId })).toEqual({ state: 'finished' })
    expect(await c.client.query(api.test.nonRetryable.terminalAttemptCount, {})).toBe(1)
    expect([...errors.at(-1) ?? []].sort()).toEqual(['nested query terminal failure', 'terminal mutation failure'])
    expect(events.map(event => event.status)).toEqual(['failed', 'failed'])
    stop()
  })

  it('runs mutations enqueued on the big pool, each once', async () => {
    const c = await start()
    const events = completedEvents()
    for (let i = 0; i < 10; i++)
      await c.client.mutation(api.example.highPriMutation, { data: i })
    await c.backend.finishScheduled()
    expect([...await c.client.query(api.example.queryData, {})].sort((x: number, y: number) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(events).toHaveLength(10)
  })

  it('cancels enqueued work: its status is finished and it never runs', async () => {
    const c = await start()
    const events = completedEvents()
    const id = await c.client.mutation(api.example.enqueueOneMutation, { data: 1 })
    await c.client.mutation(api.example.cancelMutation, { id })
    await c.backend.finishScheduled()
    expect(await c.client.query(api.example.status, { id })).toEqual({ state: 'finished' })
    expect(await c.client.query(api.example.queryData, {})).toEqual([])
    expect(events).toMatchObject([{ status: 'canceled' }])
  })
})
