// Fake timers with live clients: the recipe the docs give works, and the one that cannot
// work (vi.runAllTimers) says what to use instead.
import { afterEach, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../../../docs/backend'

afterEach(() => vi.useRealTimers())

async function scheduledMessage() {
  vi.useFakeTimers()
  const convex = createTestConvex({ schema, modules })
  const seen: number[] = []
  convex.client.onUpdate(api.messages.list, {}, messages => seen.push(messages.length))
  await convex.flush() // connected before the clock moves
  await convex.client.mutation(api.messages.sendLater, { author: 'a', body: 'later', delayMs: 120_000 })
  return { convex, seen }
}

it('finishScheduled(vi.runOnlyPendingTimers) runs what is scheduled, and the client stays connected and settled', async () => {
  const { convex, seen } = await scheduledMessage()
  await convex.backend.finishScheduled(vi.runOnlyPendingTimers)
  await convex.flush()
  expect(seen.at(-1)).toBe(1)
  expect(await convex.client.query(api.messages.list, {})).toHaveLength(1)
  await expect(convex.client.mutation(api.messages.send, { author: 'a', body: 'after' })).resolves.toBeTruthy()
  expect(convex.backend.stats.connectionsOpened).toBe(1)
  await convex.close()
})

it('a fake clock that jumps hours never looks like server silence to the client', async () => {
  const { convex, seen } = await scheduledMessage()
  await vi.advanceTimersByTimeAsync(6 * 3600_000)
  await convex.flush()
  expect(seen.at(-1)).toBe(1)
  expect(convex.backend.stats.connectionsOpened).toBe(1)
  await convex.close()
})

it('finishScheduled(vi.runAllTimers) fails with what to pass instead', async () => {
  const { convex } = await scheduledMessage()
  await expect(convex.backend.finishScheduled(vi.runAllTimers)).rejects.toThrow(/vi\.runAllTimers never ends while a client is connected .*Call finishScheduled\(\) without it/)
  vi.useRealTimers()
  await convex.close()
})

it('flush() throws, saying what is pending, when the backend cannot go quiet (latency on fake timers)', async () => {
  vi.useFakeTimers()
  const convex = createTestConvex({ schema, modules })
  await convex.flush()
  convex.backend.setLatency(api.counter.increment, 1000)
  const pending = convex.client.mutation(api.counter.increment, { name: 'slow' })
  await expect(convex.flush()).rejects.toThrow(/flush\(\): the backend is still busy after 10 s with nothing moving: 1 request\(s\) in progress.*advance them/)
  await vi.advanceTimersByTimeAsync(1000)
  await expect(pending).resolves.toBe(1)
  await convex.flush()
  await convex.close()
}, 30_000)
