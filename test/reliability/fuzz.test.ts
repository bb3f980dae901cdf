// Seeded fuzzing of the calling and query composables through the real client: random calls
// (good, failing, unsendable), resets, scopes disposed mid-call and query arguments that turn
// unsendable after mount. After every step no state may be impossible.
import { useConvexAction, useConvexMutation, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { createApp, effectScope, nextTick, shallowRef } from 'vue'
import { api } from '../../docs/backend'
import { seeded, sleep, useTestConvex } from './helpers'

const STEPS = 400

function deep(levels: number): object {
  let value: object = {}
  for (let i = 0; i < levels; i++)
    value = { a: value }
  return value
}

interface Tracked {
  call: ReturnType<typeof useConvexAction<typeof api.reliability.echo>> | ReturnType<typeof useConvexMutation<typeof api.reliability.echoMutation>>
  inFlight: number
}

describe('fuzz: no impossible state (seeded)', () => {
  const convex = useTestConvex()

  it.each([1, 2, 3])(`${STEPS} random steps, seed %i`, async (seed) => {
    const rand = seeded(seed)
    const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]
    const violations: string[] = []
    const errorHandler = vi.fn()
    const app = createApp({ render: () => null })
    app.config.errorHandler = errorHandler
    app.use(convex)

    const queryArgs = shallowRef<unknown>({ name: 'f' })
    let scope = effectScope()
    let calls: Tracked[] = []
    let query!: ReturnType<typeof useConvexQuery<typeof api.counter.get>>
    const mount = () => {
      scope = effectScope()
      app.runWithContext(() => scope.run(() => {
        calls = [
          { call: useConvexAction(api.reliability.echo), inFlight: 0 },
          { call: useConvexMutation(api.reliability.echoMutation), inFlight: 0 },
        ]
        query = useConvexQuery(api.counter.get, () => queryArgs.value as { name: string })
      }))
    }
    mount()

    const check = (step: number, what: string) => {
      for (const [i, { call, inFlight }] of calls.entries()) {
        const { status, data, error, pending } = call
        const at = `step ${step} (${what}), call ${i}`
        if (pending.value !== (status.value === 'pending'))
          violations.push(`${at}: pending ${pending.value} with status ${status.value}`)
        if (status.value === 'success' && typeof data.value !== 'number')
          violations.push(`${at}: success without a result`)
        if (status.value === 'error' && !(error.value instanceof Error))
          violations.push(`${at}: error status without an Error`)
        if (status.value !== 'error' && error.value !== null)
          violations.push(`${at}: an error in status ${status.value}`)
        if (status.value === 'pending' && inFlight === 0)
          violations.push(`${at}: pending with nothing in flight`)
        if (status.value === 'idle' && data.value !== undefined)
          violations.push(`${at}: idle with data`)
      }
      if (query.status.value === 'error' && !(query.error.value instanceof Error))
        violations.push(`step ${step} (${what}): query error status without an Error`)
      if (query.status.value === 'success' && typeof query.data.value !== 'number')
        violations.push(`step ${step} (${what}): query success without a result`)
    }

    const unsendable = [() => new Date(0), () => deep(40), () => undefined as unknown, () => [1, undefined]]
    const pending: Promise<unknown>[] = []
    for (let step = 0; step < STEPS; step++) {
      const op = pick(['call', 'call', 'call', 'bad call', 'reset', 'dispose', 'args', 'bad args', 'skip', 'wait'])
      if (op === 'call' || op === 'bad call') {
        const tracked = pick(calls)
        const value = step
        const args = op === 'call'
          ? { value, delayMs: Math.floor(rand() * 3), fail: rand() < 0.3 }
          : { value: unsendable[Math.floor(rand() * unsendable.length)](), delayMs: 0, fail: false }
        if (tracked.call === calls[1].call)
          delete (args as { delayMs?: number }).delayMs
        tracked.inFlight++
        const p = (tracked.call.execute as (a: unknown) => Promise<unknown>)(args).catch(() => {}).finally(() => tracked.inFlight--)
        pending.push(p)
      }
      else if (op === 'reset') {
        pick(calls).call.reset()
      }
      else if (op === 'dispose') {
        scope.stop()
        for (const c of calls) {
          if (c.call.status.value !== 'idle')
            violations.push(`step ${step}: status ${c.call.status.value} after dispose`)
        }
        mount()
      }
      else if (op === 'args') {
        queryArgs.value = { name: pick(['f', 'g', 'h']) }
      }
      else if (op === 'bad args') {
        queryArgs.value = { name: unsendable[Math.floor(rand() * unsendable.length)]() }
      }
      else if (op === 'skip') {
        queryArgs.value = 'skip'
      }
      else {
        await sleep(Math.floor(rand() * 4))
      }
      await nextTick()
      check(step, op)
    }
    await Promise.all(pending)
    await convex.flush()
    check(STEPS, 'end')
    for (const { call } of calls)
      expect(call.pending.value).toBe(false)
    scope.stop()
    expect(errorHandler).not.toHaveBeenCalled()
    expect(violations).toEqual([])
  }, 60_000)
})
