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

  it('keeps the sessions of departed clients within a budget, the longest gone forgotten first', async () => {
    const log = new MutationLog({ perSession: 100, departed: 2, departedBytes: 1000 })
    const payload = (size: number) => async () => ({ result: 'x'.repeat(size) })
    for (const id of ['a', 'b', 'c']) {
      log.connected(id)
      await log.respond(id, 0, payload(10))
      log.disconnected(id)
    }
    expect(log.size).toBe(2) // 'a' went first
    log.connected('big')
    await log.respond('big', 0, payload(5000))
    expect(log.size).toBe(3) // a connected session is never forgotten
    log.disconnected('big')
    await settle()
    expect(log.size).toBe(0) // over the byte budget: every departed session goes
  })
})
