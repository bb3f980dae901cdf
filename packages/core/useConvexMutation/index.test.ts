import { anyApi } from 'convex/server'
import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useConvexMutation } from '.'
import { api } from '../../../docs/backend'
import { controlledClient, useSetup, useTestConvex, withClient } from '../_test'
import { useConvexQuery } from '../useConvexQuery'

const convex = useTestConvex()

describe('useConvexMutation', () => {
  it('runs a mutation: idle → pending → success, resolving after the client saw the write', async () => {
    const { result } = useSetup(() => ({
      send: useConvexMutation(api.messages.send),
      list: useConvexQuery(api.messages.list, {}),
    }), [convex])
    expect(result.send.status.value).toBe('idle')
    const p = result.send.execute({ author: 'ada', body: 'hello' })
    expect(result.send.status.value).toBe('pending')
    const id = await p
    expect(result.send.status.value).toBe('success')
    expect(result.send.data.value).toBe(id)
    expect(convex.client.client.localQueryResult('messages:list', {})).toEqual([expect.objectContaining({ _id: id })])
  })

  it('shows an optimistic update at once and rolls it back when the mutation fails', async () => {
    const { result } = useSetup(() => ({
      list: useConvexQuery(api.messages.list, {}),
      send: useConvexMutation(api.messages.send, {
        optimisticUpdate(localStore, args) {
          const current = localStore.getQuery(api.messages.list, {}) ?? []
          localStore.setQuery(api.messages.list, {}, [...current, { _id: 'optimistic' as any, _creationTime: 0, ...args }])
        },
      }),
    }), [convex])
    await vi.waitFor(() => expect(result.list.data.value).toEqual([]))
    convex.backend.setLatency(api.messages.send, 50)
    const failing = result.send.execute({ author: 'ada', body: '   ' }) // the server refuses an empty body
    await vi.waitFor(() => expect(result.list.data.value).toEqual([expect.objectContaining({ _id: 'optimistic' })]))
    await expect(failing).rejects.toThrow('A message needs a body')
    await vi.waitFor(() => expect(result.list.data.value).toEqual([]))
    expect(result.send.status.value).toBe('error')

    const ok = result.send.execute({ author: 'ada', body: 'real' })
    await vi.waitFor(() => expect(result.list.data.value?.[0]?._id).toBe('optimistic'))
    const id = await ok
    await vi.waitFor(() => expect(result.list.data.value).toEqual([expect.objectContaining({ _id: id, body: 'real' })]))
  })

  it('chains withOptimisticUpdate like Convex\'s useMutation', async () => {
    const { client, calls } = controlledClient()
    const update = vi.fn()
    const { result } = withClient(client, () => useConvexMutation(api.messages.send).withOptimisticUpdate(update))
    void result.execute({ author: 'a', body: 'b' })
    expect(client.mutation).toHaveBeenCalledWith(api.messages.send, { author: 'a', body: 'b' }, { optimisticUpdate: update })
    calls[0].resolve('id')
  })

  it('retries a mutation in flight when the connection drops, and it runs once', async () => {
    convex.backend.setLatency(api.counter.increment, 50)
    const { result } = useSetup(() => useConvexMutation(api.counter.increment), [convex])
    const p = result.execute({ name: 'once' })
    await new Promise(r => setTimeout(r, 10))
    convex.backend.disconnect()
    await expect(p).resolves.toBe(1)
    expect(result.status.value).toBe('success')
    await expect(convex.client.query(api.counter.get, { name: 'once' })).resolves.toBe(1)
  })

  it('surfaces the server validator message', async () => {
    const { result } = useSetup(() => useConvexMutation(api.messages.send), [convex])
    await expect(result.execute({ author: 'a' } as any)).rejects.toThrow(/ArgumentValidationError/)
    expect(result.status.value).toBe('error')
  })

  it('rejects a client without mutation()', () => {
    expect(() => useConvexMutation(api.messages.send, { client: {} })).toThrowError(/useConvexMutation\(\): the client has no mutation\(\) method/)
  })
})

describe('useConvexMutation (a module instead of a function)', () => {
  it('names the module and says to name one of its functions', () => {
    const scope = effectScope()
    expect(() => scope.run(() => useConvexMutation(anyApi.messages as any, { client: { mutation: async () => null } as any }))).toThrowError(
      /useConvexMutation\(\): expected a Convex function reference such as .*, but got `api\.messages`, a module of your API \(the file convex\/messages\.ts\), not one of its functions\. Name the function it exports: `api\.messages\.<name>`/,
    )
    scope.stop()
  })
})
