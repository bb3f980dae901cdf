// Components that unmount mid-call, and composables used outside components.
import { useConvexAction, useConvexMutation, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { api } from '../../docs/backend'
import { flushPromises, useSetup } from '../../packages/core/_test'
import { sleep, useTestConvex } from './helpers'

async function collected(weak: WeakRef<object>): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc)
    throw new Error('run vitest with --expose-gc (see vitest.config.ts)')
  for (let i = 0; i < 20 && weak.deref(); i++) {
    await flushPromises()
    gc()
  }
  return weak.deref() === undefined
}

describe('lifecycle', () => {
  const convex = useTestConvex()

  it('unmounting while an action and a mutation are pending: no warning, no write, no callback', async () => {
    const warn = vi.spyOn(console, 'warn')
    const onSuccess = vi.fn()
    convex.backend.setLatency(30)
    const { result, unmount } = useSetup(() => ({
      action: useConvexAction(api.reliability.echo, { onSuccess }),
      mutation: useConvexMutation(api.counter.increment, { onSuccess }),
    }), [convex])
    const action = result.action.execute({ value: 7, delayMs: 0, fail: false })
    const mutation = result.mutation.execute({ name: 'unmount' })
    unmount()
    await expect(action).resolves.toBe(7)
    await expect(mutation).resolves.toBe(1) // the mutation still happened on the server
    await flushPromises()
    expect(result.action.data.value).toBeUndefined()
    expect(result.mutation.data.value).toBeUndefined()
    expect(onSuccess).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
  })

  it('a stopped scope with a pending action, mutation and live query is garbage collected', async () => {
    convex.backend.setLatency(20)
    const client = convex.client
    let weak!: WeakRef<object>
    let settled: Promise<unknown>
    ;(() => {
      const scope = effectScope()
      const state = scope.run(() => ({
        action: useConvexAction(api.reliability.echo, { client }),
        mutation: useConvexMutation(api.counter.increment, { client }),
        query: useConvexQuery(api.counter.get, { name: 'gc' }, { client }),
      }))!
      weak = new WeakRef(state)
      settled = Promise.allSettled([
        state.action.execute({ value: 1, delayMs: 0, fail: false }),
        state.mutation.execute({ name: 'gc' }),
      ])
      scope.stop()
    })()
    await settled!
    settled = Promise.resolve()
    await convex.flush()
    expect(await collected(weak)).toBe(true)
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('works in a plain effect scope, and stopping the scope unsubscribes', async () => {
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'scope' }, { client: convex.client }))!
    await vi.waitFor(() => expect(query.data.value).toBe(0))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    scope.stop()
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('works with no scope at all (nothing to dispose; the caller owns the lifetime)', async () => {
    const action = useConvexAction(api.reliability.echo, { client: convex.client })
    await expect(action.execute({ value: 3, delayMs: 0, fail: false })).resolves.toBe(3)
    expect(action.status.value).toBe('success')
    await sleep(0)
  })
})
