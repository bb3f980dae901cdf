// Exactly-once mutations over reconnects, in bounded memory.
import { describe, expect, it } from 'vitest'
import { MutationLog } from './mutationLog'

const settle = () => new Promise(resolve => setTimeout(resolve, 0))

describe('mutationLog', () => {
  it('runs a replayed mutation once, and a session\'s mutations in the order sent', async () => {
    const log = new MutationLog()
    const order: number[] = []
    const run = (n: number) => async () => {
      order.push(n)
      return { requestId: n }
    }
    log.connected('s')
    const first = log.respond('s', 0, run(0))
    const second = log.respond('s', 1, run(1))
    expect(log.respond('s', 0, run(99))).toBe(first)
    expect(await second).toEqual({ requestId: 1 })
    expect(order).toEqual([0, 1])
  })

  it('forgets what a reconnect replays past: the client needs no response before its first replayed one', async () => {
    const log = new MutationLog()
    let runs = 0
    const run = async () => ({ run: ++runs })
    log.connected('s')
    await log.respond('s', 0, run)
    await log.respond('s', 1, run)
    log.disconnected('s')
    log.connected('s')
    log.replayFrom('s', 1)
    await log.respond('s', 1, run) // the replay: not run again
    expect(runs).toBe(2)
    await log.respond('s', 0, run) // forgotten: a client that replays from 1 never sends 0 again
    expect(runs).toBe(3)
  })

  it('answers a replay of a mutation a previous process ran with its kept response, without running it', async () => {
    const log = new MutationLog()
    let runs = 0
    log.restore('s', 4, { requestId: 4, result: 'kept' })
    log.connected('s')
    log.replayFrom('s', 4)
    expect(await log.respond('s', 4, async () => ({ run: ++runs }))).toEqual({ requestId: 4, result: 'kept' })
    expect(await log.respond('s', 5, async () => ({ run: ++runs }))).toEqual({ run: 1 })
    expect(runs).toBe(1)
  })

  /** Time the test moves by hand, with the timers the log arms on it. */
  function manualTimers() {
    let now = 0
    const pending = new Set<{ at: number, fn: () => void }>()
    return {
      now: () => now,
      after: (ms: number, fn: () => void) => {
        const timer = { at: now + ms, fn }
        pending.add(timer)
        return () => pending.delete(timer)
      },
      advance(ms: number) {
        now += ms
        for (const timer of [...pending].sort((a, b) => a.at - b.at)) {
          if (timer.at <= now && pending.delete(timer))
            timer.fn()
        }
      },
    }
  }

  it('remembers every client a server-wide drop disconnected, however much they hold, until they replay', async () => {
    // The soak's fault: every socket dropped at once, 50 clients holding 100 responses of 4 KB
    // each (20 MB, over the 4 MB budget). Those that left first must not be forgotten while the
    // others reconnect: each replays all its mutations, and none may run twice.
    const log = new MutationLog({}, manualTimers())
    let runs = 0
    const receipt = async () => ({ run: ++runs, receipt: '.'.repeat(4096) })
    const ids = Array.from({ length: 50 }, (_, i) => `s${i}`)
    for (const id of ids) {
      log.connected(id)
      for (let r = 0; r < 100; r++) await log.respond(id, r, receipt)
    }
    for (const id of ids) log.disconnected(id)
    await settle()
    for (const id of ids) {
      log.connected(id)
      log.replayFrom(id, 0)
      for (let r = 0; r < 100; r++) await log.respond(id, r, receipt)
    }
    expect(runs).toBe(50 * 100)
  })

  it('forgets departed clients past their retention period, within a budget, the longest gone first', async () => {
    const timers = manualTimers()
    const log = new MutationLog({ perSession: 100, retentionMs: 60_000, departed: 2, departedBytes: 1000 }, timers)
    const payload = (size: number) => async () => ({ result: 'x'.repeat(size) })
    for (const id of ['a', 'b', 'c']) {
      log.connected(id)
      await log.respond(id, 0, payload(10))
      log.disconnected(id)
      timers.advance(1000)
    }
    expect(log.size).toBe(3) // all within their retention period
    timers.advance(57_000)
    expect(log.size).toBe(2) // 'a' came of age first and is over the count budget
    log.connected('big')
    await log.respond('big', 0, payload(5000))
    log.disconnected('big')
    await settle()
    expect(log.size).toBe(3) // 'big' is over the byte budget, but within its retention period
    timers.advance(60_000)
    expect(log.size).toBe(0) // then every departed session goes, the byte budget being exceeded
  })

  it('keeps a connected session whatever the budget, and forgets the oldest departed ones in a flood', async () => {
    const log = new MutationLog({ retentionMs: 60_000, departed: 0, departedBytes: 0, maxDeparted: 3 }, manualTimers())
    log.connected('live')
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      log.connected(id)
      log.disconnected(id)
    }
    expect(log.size).toBe(4) // 'live' and the three most recent of the flood
    log.connected('a')
    expect(log.size).toBe(5) // 'a' starts afresh
  })
})
