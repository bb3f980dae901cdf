// Dropped connections, slow servers past a timeout, and clients closed mid-flight:
// nothing hangs, nothing Convex would keep is lost, and queries come back fresh.
import { ConvexTimeoutError, useConvexAction, useConvexMutation, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { api } from '../../docs/backend'
import { useSetup } from '../../packages/core/_test'
import { sleep, useTestConvex } from './helpers'

describe('faults', () => {
  const convex = useTestConvex()

  it('a dropped connection fails the action in flight, retries the mutation once, and resumes the query', async () => {
    const { backend } = convex
    backend.setLatency(api.reliability.echo, 40)
    backend.setLatency(api.counter.increment, 40)
    const { result } = useSetup(() => ({
      action: useConvexAction(api.reliability.echo),
      mutation: useConvexMutation(api.counter.increment),
      query: useConvexQuery(api.counter.get, { name: 'drop' }),
    }), [convex])
    await vi.waitFor(() => expect(result.query.data.value).toBe(0))
    const action = result.action.execute({ value: 1, delayMs: 0, fail: false })
    const mutation = result.mutation.execute({ name: 'drop' })
    await sleep(10)
    backend.disconnect()
    await expect(action).rejects.toThrow('Connection lost while action was in flight')
    expect(result.action.status.value).toBe('error')
    await expect(mutation).resolves.toBe(1)
    expect(result.mutation.status.value).toBe('success')
    await vi.waitFor(() => expect(result.query.data.value).toBe(1), { timeout: 5000 })
    await expect(convex.client.query(api.counter.get, { name: 'drop' })).resolves.toBe(1)
  })

  it('a server slower than `timeout` rejects with a clear error, and its late result changes nothing', async () => {
    const { result } = useSetup(() => useConvexAction(api.reliability.echo, { timeout: 40 }), [convex])
    const slow = result.execute({ value: 1, delayMs: 150, fail: false })
    const error = await slow.catch(e => e)
    expect(error).toBeInstanceOf(ConvexTimeoutError)
    expect(error.message).toMatch(/"reliability:echo" did not settle within 40 ms/)
    expect(result.status.value).toBe('error')
    await expect(result.execute({ value: 2, delayMs: 0, fail: false })).resolves.toBe(2)
    await sleep(200) // the first call's result arrives meanwhile
    expect(result.data.value).toBe(2)
    expect(result.status.value).toBe('success')
  })

  it('closing the client settles the calls in flight instead of leaving them pending', async () => {
    const { backend, client } = convex
    backend.setLatency(api.reliability.echo, 100)
    backend.setLatency(api.counter.increment, 100)
    const { result } = useSetup(() => ({
      action: useConvexAction(api.reliability.echo),
      mutation: useConvexMutation(api.counter.increment),
    }), [convex])
    // Handled from the start: they reject while close() is still running.
    const action = result.action.execute({ value: 1, delayMs: 0, fail: false }).catch(e => e)
    const mutation = result.mutation.execute({ name: 'closed' }).catch(e => e)
    await sleep(10)
    await client.close()
    expect((await action).message).toMatch(/the Convex client was closed while "reliability:echo" was in flight/)
    expect((await mutation).message).toMatch(/closed while "counter:increment" was in flight; its outcome is unknown/)
    expect(result.action.status.value).toBe('error')
    expect(result.mutation.status.value).toBe('error')
    await expect(result.action.execute({ value: 2, delayMs: 0, fail: false })).rejects.toThrow(/the Convex client is closed/)
  })
})
