// aggregate 0.2.2's example app with migrations 0.3.5, unmodified, through the real client: the
// deploy-time run of its daily reset cron (runAfter(0) chains through six aggregate instances),
// live queries over the component's data, and in both timer orders, driven by finishScheduled().
import type { TestConvex } from '.'
import aggregate from '@convex-dev/aggregate/test'
import migrations from '@convex-dev/migrations/test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/components-aggregate'

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

const components = {
  aggregateByScore: aggregate,
  aggregateScoreByUser: aggregate,
  music: aggregate,
  photos: aggregate,
  stats: aggregate,
  btreeAggregate: aggregate,
  migrations,
}

describe.each(ORDERS)('with %s', (_, order) => {
  it('seeds at deploy through its daily reset cron, and live queries over the aggregates follow new scores', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    if (order === 'before')
      vi.useFakeTimers()
    convex = createTestConvex({ schema, modules, components })
    await convex.backend.ready()
    if (order === 'after')
      vi.useFakeTimers()
    await convex.backend.finishScheduled()
    // The reset seeded 500 mock scores, counted by the aggregateByScore component.
    expect(await convex.client.query(api.leaderboard.countScores, {})).toBe(500)
    const counts: number[] = []
    const stop = convex.client.onUpdate(api.leaderboard.countScores, {}, count => counts.push(count))
    await convex.flush()
    const best = await convex.client.query(api.leaderboard.scoreAtRank, { rank: 0 })
    await convex.client.mutation(api.leaderboard.addScore, { name: 'Ada', score: best.score + 1 })
    await convex.flush()
    expect(counts.at(-1)).toBe(501)
    expect(await convex.client.query(api.leaderboard.scoreAtRank, { rank: 0 })).toMatchObject({ name: 'Ada', score: best.score + 1 })
    expect(await convex.client.query(api.leaderboard.userHighScore, { name: 'Ada' })).toBe(best.score + 1)
    stop()
  })
})
