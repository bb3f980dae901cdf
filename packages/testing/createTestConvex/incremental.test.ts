// @vitest-environment node
// A write re-runs only the subscriptions whose reads it touched — and never misses one: a
// seeded fuzzer checks every live value against a fresh run of the same query.
import type { FunctionReference } from 'convex/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/app'

let convex: ReturnType<typeof createTestConvex>
beforeEach(() => {
  convex = createTestConvex({ schema, modules, crons: false })
})
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

/** Counts how many times the backend runs each query, by wrapping the executor's call. */
function countRuns(): Map<string, number> {
  const runs = new Map<string, number>()
  const executor = (convex.backend as any).executor
  const call = executor.call.bind(executor)
  executor.call = (identity: unknown, kind: string, udfPath: string, ...rest: unknown[]) => {
    if (kind === 'query')
      runs.set(udfPath, (runs.get(udfPath) ?? 0) + 1)
    return call(identity, kind, udfPath, ...rest)
  }
  return runs
}

describe('incremental subscriptions', () => {
  it('a write re-runs the queries that read its table, and no other', async () => {
    const runs = countRuns()
    for (const [ref, args] of [[api.shapes.allNotes, {}], [api.shapes.ticksOf, { job: 'a' }], [api.shapes.firstTick, {}], [api.shapes.summary, {}], [api.shapes.constant, {}]] as const)
      convex.client.onUpdate(ref as FunctionReference<'query'>, args, () => {})
    await convex.flush()
    expect(Object.fromEntries(runs)).toEqual({ 'shapes:allNotes': 1, 'shapes:ticksOf': 1, 'shapes:firstTick': 1, 'shapes:summary': 1, 'shapes:constant': 1 })
    runs.clear()
    await convex.client.mutation(api.notes.add, { body: 'x' })
    await convex.flush()
    expect(Object.fromEntries(runs)).toEqual({ 'shapes:allNotes': 1, 'shapes:summary': 1 })
    runs.clear()
    await convex.backend.run(ctx => ctx.db.insert('ticks', { job: 'b', at: 1 }))
    await convex.flush()
    expect(Object.fromEntries(runs)).toEqual({ 'shapes:ticksOf': 1, 'shapes:firstTick': 1 })
    runs.clear()
    // A new subscription runs alone: the others are not re-run.
    convex.client.onUpdate(api.shapes.ticksOf, { job: 'b' }, () => {})
    await convex.flush()
    expect(Object.fromEntries(runs)).toEqual({ 'shapes:ticksOf': 1 })
  })

  it.each([1, 2, 3, 4])('never misses an update: every live value equals a fresh run (seed %i)', async (seed) => {
    let state = seed * 7919
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31
      return state / 2 ** 31
    }
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
    const client2 = convex.createClient()
    const noteIds: string[] = []
    const live = new Map<string, { ref: FunctionReference<'query'>, args: any, value: unknown, stop: () => void }>()
    const subscribe = (ref: FunctionReference<'query'>, args: any) => {
      const key = `${JSON.stringify(args)}@${(ref as any)[Symbol.for('functionName')] ?? ''}${live.size}:${random()}`
      const entry = { ref, args, value: undefined as unknown, stop: () => {} }
      entry.stop = pick([convex.client, client2]).onUpdate(ref, args, (value) => {
        entry.value = value
      })
      live.set(key, entry)
    }
    for (let step = 0; step < 60; step++) {
      const r = random()
      if (r < 0.25 || live.size === 0) {
        const which = pick(['allNotes', 'ticksOf', 'note', 'firstTick', 'summary'] as const)
        if (which === 'note') {
          if (noteIds.length)
            subscribe(api.shapes.note, { id: pick(noteIds) })
        }
        else if (which === 'ticksOf') {
          subscribe(api.shapes.ticksOf, { job: pick(['a', 'b', 'c']) })
        }
        else {
          subscribe(api.shapes[which] as FunctionReference<'query'>, {})
        }
      }
      else if (r < 0.35) {
        const key = pick([...live.keys()])
        live.get(key)!.stop()
        live.delete(key)
      }
      else if (r < 0.55) {
        noteIds.push(await convex.client.mutation(api.notes.add, { body: `n${step}` }))
      }
      else if (r < 0.7) {
        const job = pick(['a', 'b', 'c'])
        await convex.backend.run(ctx => ctx.db.insert('ticks', { job, at: step }))
      }
      else if (r < 0.8 && noteIds.length) {
        const id = pick(noteIds)
        await convex.backend.run(async ctx => (await ctx.db.get(id)) && ctx.db.patch(id, { body: `patched ${step}` }))
      }
      else if (r < 0.9 && noteIds.length) {
        const id = pick(noteIds)
        await convex.backend.run(async ctx => (await ctx.db.get(id)) && ctx.db.delete(id))
      }
      else {
        const ticks: Array<{ _id: string }> = await convex.backend.run(ctx => ctx.db.query('ticks').collect())
        if (ticks.length)
          await convex.backend.run(ctx => ctx.db.delete(pick(ticks)._id))
      }
      if (step % 5 === 4) {
        await convex.flush()
        for (const entry of live.values())
          expect(entry.value, `${JSON.stringify(entry.args)} at step ${step}`).toEqual(await convex.backend.t.query(entry.ref, entry.args))
      }
    }
  })
})
