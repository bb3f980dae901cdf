// Overlapping calls with random latency and random failures: whatever the interleaving,
// the state must always be the latest call's, and every promise must settle.
import type { ConvexError } from 'convex/values'
import { useConvexAction, useConvexMutation } from '@vueuse-convex/core'
import { describe, expect, it } from 'vitest'
import { api } from '../../docs/backend'
import { useSetup } from '../../packages/core/_test'
import { seeded, sleep, useTestConvex } from './helpers'

const CALLS = 500

type Outcome = { ok: true, value: number } | { ok: false, error: ConvexError<{ value: number }> }

interface Composable {
  execute: (args: any) => Promise<number>
  status: { value: string }
  pending: { value: boolean }
  data: { value: number | undefined }
  error: { value: Error | null }
}

/**
 * Starts CALLS calls in rounds of 1–5 overlapping ones. After each call settles, checks the
 * state: while the round's latest call is in flight the state is 'pending' with no data and no
 * error; once it settled, the state is exactly its outcome.
 */
async function hammer(composable: Composable, makeArgs: (value: number, rand: () => number) => object, seed: number) {
  const rand = seeded(seed)
  const violations: string[] = []
  let started = 0
  let settled = 0
  while (started < CALLS) {
    const size = 1 + Math.floor(rand() * 5)
    const round: Array<{ value: number, done: Promise<void> }> = []
    let latestSettled = false
    for (let i = 0; i < size && started < CALLS; i++) {
      const value = started++
      const call = composable.execute(makeArgs(value, rand))
      if (composable.status.value !== 'pending')
        violations.push(`call ${value}: status ${composable.status.value} right after execute`)
      const entry = { value, done: Promise.resolve() }
      entry.done = call.then(
        v => ({ ok: true, value: v }) as Outcome,
        e => ({ ok: false, error: e }) as Outcome,
      ).then((outcome) => {
        settled++
        const isLatest = entry === round.at(-1)
        if (isLatest)
          latestSettled = true
        if (!latestSettled) {
          if (composable.status.value !== 'pending' || composable.data.value !== undefined || composable.error.value !== null)
            violations.push(`call ${value} settled before the latest: state ${composable.status.value}/${composable.data.value}/${composable.error.value}`)
          return
        }
        const last = round.at(-1)!
        if (!isLatest && composable.status.value === 'pending')
          violations.push(`call ${value}: still pending after the latest settled`)
        if (isLatest) {
          if (outcome.ok && (composable.status.value !== 'success' || composable.data.value !== last.value))
            violations.push(`call ${value} succeeded but state is ${composable.status.value}/${composable.data.value}`)
          if (!outcome.ok && (composable.status.value !== 'error' || composable.error.value !== outcome.error || outcome.error.data.value !== last.value))
            violations.push(`call ${value} failed but state is ${composable.status.value}/${composable.error.value?.message}`)
        }
      })
      round.push(entry)
      latestSettled = false // a newer call is in flight again
      if (rand() < 0.5)
        await sleep(Math.floor(rand() * 4))
    }
    await Promise.all(round.map(r => r.done))
    expect(composable.pending.value).toBe(false)
  }
  expect(settled).toBe(CALLS)
  expect(violations).toEqual([])
}

describe('races (seeded)', () => {
  const convex = useTestConvex()

  it(`${CALLS} overlapping actions with random latency and failures: state is always the latest call's`, async () => {
    const { result } = useSetup(() => useConvexAction(api.reliability.echo), [convex])
    await hammer(result, (value, rand) => ({ value, delayMs: Math.floor(rand() * 12), fail: rand() < 0.3 }), 1)
  }, 60_000)

  it(`${CALLS} overlapping mutations with random latency and failures: state is always the latest call's`, async () => {
    const { result } = useSetup(() => useConvexMutation(api.reliability.echoMutation), [convex])
    const rand = seeded(99)
    await hammer(result, (value, r) => {
      convex.backend.setLatency(api.reliability.echoMutation, Math.floor(rand() * 6))
      return { value, fail: r() < 0.3 }
    }, 2)
  }, 60_000)
})
