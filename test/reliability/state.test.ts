// State that cannot lie (issue: one entry per call, bad input that never escapes). Each test
// names the defect it guards against; all run through the real ConvexClient.
import { useConvexAction, useConvexMutation, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, effectScope, h, nextTick, ref, shallowRef } from 'vue'
import { api } from '../../docs/backend'
import { flushPromises, useSetup } from '../../packages/core/_test'
import { useTestConvex } from './helpers'

/** `{ a: { a: { ... 1 } } }`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 }
  for (let i = 1; i < levels; i++)
    value = { a: value }
  return value
}

describe('state that cannot lie', () => {
  const convex = useTestConvex()

  it('1. a scope disposed mid-call reads idle, before and after the late result', async () => {
    convex.backend.setLatency(20)
    const scope = effectScope()
    const { action, mutation } = scope.run(() => ({
      action: useConvexAction(api.reliability.echo, { client: convex.client }),
      mutation: useConvexMutation(api.counter.increment, { client: convex.client }),
    }))!
    const calls = [action.execute({ value: 1, delayMs: 0, fail: false }), mutation.execute({ name: 'disposed' })]
    scope.stop()
    for (const c of [action, mutation]) {
      expect(c.status.value).toBe('idle')
      expect(c.data.value).toBeUndefined()
    }
    await expect(Promise.all(calls)).resolves.toEqual([1, 1]) // the caller still gets its result
    for (const c of [action, mutation]) {
      expect(c.status.value).toBe('idle')
      expect(c.pending.value).toBe(false)
      expect(c.data.value).toBeUndefined()
      expect(c.error.value).toBeNull()
    }
  })

  it('2. arguments that become unsendable after mount: error set, subscription ended, recovery', async () => {
    const errorHandler = vi.fn()
    const name = ref<unknown>('a')
    let query!: ReturnType<typeof useConvexQuery<typeof api.counter.get>>
    const app = createApp(defineComponent({
      setup() {
        query = useConvexQuery(api.counter.get, () => ({ name: name.value as string }))
        return () => h('div')
      },
    }))
    app.config.errorHandler = errorHandler
    app.use(convex)
    app.mount(document.createElement('div'))
    await query
    expect(query.status.value).toBe('success')
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)

    name.value = new Date(0)
    await nextTick()
    expect(query.status.value).toBe('error')
    expect(query.error.value?.message).toMatch(/useConvexQuery\(\): the arguments of "counter:get" cannot be sent to Convex: Date .* is not a supported Convex type/)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)

    name.value = 'b'
    await query
    expect(query.status.value).toBe('success')
    expect(query.error.value).toBeNull()
    expect(errorHandler).not.toHaveBeenCalled()
    app.unmount()
  })

  it('2. a reference ref set to a string after mount is an error, not an escaped exception', async () => {
    const errorHandler = vi.fn()
    const reference = shallowRef<any>(api.counter.get)
    let query!: ReturnType<typeof useConvexQuery<typeof api.counter.get>>
    const app = createApp(defineComponent({
      setup() {
        query = useConvexQuery(reference, { name: 'x' })
        return () => h('div')
      },
    }))
    app.config.errorHandler = errorHandler
    app.use(convex)
    app.mount(document.createElement('div'))
    await query
    reference.value = 'counter:get'
    await nextTick()
    expect(query.status.value).toBe('error')
    expect(query.error.value?.message).toMatch(/useConvexQuery\(\): expected a Convex function reference/)
    expect(errorHandler).not.toHaveBeenCalled()
    reference.value = api.counter.get
    await query
    expect(query.status.value).toBe('success')
    app.unmount()
  })

  it.each<[string, () => { execute: (args: any) => Promise<unknown>, status: { value: string }, error: { value: Error | null } }]>([
    ['useConvexAction', () => useConvexAction(api.reliability.roundTrip)],
    ['useConvexMutation', () => useConvexMutation(api.reliability.echoMutation)],
  ])('3. %s rejects arguments nested 10,000 levels with an Error that names the limit', async (name, use) => {
    const { result } = useSetup(use, [convex])
    const error = await result.execute({ value: nested(10_000) }).catch((e: Error) => e) as Error
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(new RegExp(`${name}\\(\\): the arguments of ".*" are nested more deeply than a deployment accepts .*Convex values may nest 64 levels`))
    expect(result.status.value).toBe('error')
    expect(result.error.value).toBe(error)
  })

  it('3. useConvexQuery reports arguments nested too deeply without subscribing', async () => {
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: nested(10_000) } as any), [convex])
    expect(result.status.value).toBe('error')
    expect(result.error.value?.message).toMatch(/nested more deeply than a deployment accepts/)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('3. nesting a deployment accepts is sent: 17, 60 and 62 levels under the arguments (64 counting the arguments and their list)', async () => {
    const { result } = useSetup(() => useConvexAction(api.reliability.roundTrip), [convex])
    for (const levels of [17, 60, 62])
      await expect(result.execute({ value: nested(levels) })).resolves.toEqual(nested(levels))
    // One level more is what a deployment refuses (TooNestedError): refused before it is sent.
    const error = await result.execute({ value: nested(63) }).catch((e: Error) => e) as Error
    expect(error.message).toMatch(/nested more deeply than a deployment accepts .*the arguments object may hold 62 levels/)
  })

  it('3. the in-memory backend refuses what a deployment refuses, from a client that does not check', async () => {
    const deep = nested(63)
    const error = await convex.client.action(api.reliability.roundTrip, { value: deep }).catch((e: Error) => e) as Error
    expect(error.message).toMatch(/TooNestedError: Value is too nested \(nested 65 levels deep > maximum nesting 64\)/)
    await expect(convex.client.action(api.reliability.roundTrip, { value: nested(62) })).resolves.toEqual(nested(62))
  })

  it('4. execute(null) says what to pass', async () => {
    const { result } = useSetup(() => useConvexAction(api.reliability.roundTrip), [convex])
    await expect(result.execute(null as any)).rejects.toThrow(/must be a plain object such as \{ id \} \(or nothing\), but got null/)
    expect(result.error.value).toBeInstanceOf(TypeError)
  })

  it('4. @click="execute" (a DOM Event as arguments) sends nothing and says to write execute()', async () => {
    const { result } = useSetup(() => useConvexMutation(api.counter.increment), [convex])
    await convex.flush()
    const sent = convex.backend.stats.messagesIn
    const error = await result.execute(new MouseEvent('click') as any).catch(e => e)
    expect(error.message).toMatch(/was called with a DOM Event \(click\).*nothing was sent.*@click="execute\(\)"/)
    expect(result.status.value).toBe('error')
    await convex.flush()
    expect(convex.backend.stats.messagesIn).toBe(sent)
  })

  it('5. an optimistic update with unsendable arguments is never applied', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'c', by: 2 })
    const { result } = useSetup(() => ({
      count: useConvexQuery(api.counter.get, { name: 'c' }),
      increment: useConvexMutation(api.counter.increment, {
        optimisticUpdate: (store, { name }) => store.setQuery(api.counter.get, { name }, 999),
      }),
    }), [convex])
    await result.count
    expect(result.count.data.value).toBe(2)
    const error = await result.increment.execute({ name: 'c', by: new Map([[1, 2]]) as any }).catch(e => e)
    expect(error.message).toMatch(/cannot be sent to Convex, so neither the mutation nor its optimistic update ran/)
    await convex.flush()
    expect(result.count.data.value).toBe(2)
  })

  it('7. an onSuccess that throws: the call succeeded, the error goes to app.config.errorHandler', async () => {
    const errorHandler = vi.fn()
    const onError = vi.fn()
    const boom = new Error('callback bug')
    let action!: ReturnType<typeof useConvexAction<typeof api.reliability.roundTrip>>
    const app = createApp(defineComponent({
      setup() {
        action = useConvexAction(api.reliability.roundTrip, {
          onSuccess: () => {
            throw boom
          },
          onError,
        })
        return () => h('div')
      },
    }))
    app.config.errorHandler = errorHandler
    app.use(convex)
    app.mount(document.createElement('div'))
    await expect(action.execute({ value: 5 })).resolves.toBe(5)
    expect(action.status.value).toBe('success')
    expect(onError).not.toHaveBeenCalled()
    expect(errorHandler).toHaveBeenCalledTimes(1)
    expect(errorHandler.mock.calls[0][0]).toBe(boom)
    app.unmount()
  })

  it('7. outside a component, a throwing callback reaches the errorHandler of the plugin\'s app', async () => {
    const errorHandler = vi.fn()
    const app = createApp({ render: () => null })
    app.config.errorHandler = errorHandler
    app.use(convex)
    const boom = new Error('callback bug')
    const scope = effectScope()
    const action = app.runWithContext(() => scope.run(() => useConvexAction(api.reliability.roundTrip, {
      onError: () => {
        throw boom
      },
    })))!
    await expect(action.execute({ value: () => 1 } as any)).rejects.toThrow(/not a supported Convex type|not a valid Convex value/)
    expect(errorHandler).toHaveBeenCalledWith(boom, null, expect.any(String))
    scope.stop()
  })

  it('8. awaiting a query settles when the client closes before the first result', async () => {
    convex.backend.setLatency(50)
    const client = convex.createClient()
    const scope = effectScope()
    const query = scope.run(() => useConvexQuery(api.counter.get, { name: 'x' }, { client }))!
    const settled = Promise.resolve(query).then(() => 'resolved', (e: Error) => e.message)
    void client.close()
    await expect(settled).resolves.toMatch(/client was closed before the query's first result/)
    expect(query.status.value).toBe('error')
    scope.stop()
  })

  it('9. refs inside plain arguments are unwrapped and tracked', async () => {
    const name = ref('r1')
    const by = ref(3)
    const { result } = useSetup(() => ({
      count: useConvexQuery(api.counter.get, { name }),
      increment: useConvexMutation(api.counter.increment),
    }), [convex])
    await result.count
    expect(result.count.data.value).toBe(0)
    // Refs are unwrapped at call time; the arguments' type names the plain values.
    await result.increment.execute({ name, by } as never)
    await convex.flush()
    expect(result.count.data.value).toBe(3)
    name.value = 'r2'
    await nextTick()
    expect(result.count.status.value).toBe('pending')
    await result.count
    expect(result.count.data.value).toBe(0)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
  })

  it('run() never rejects: a failure shows only in the state', async () => {
    const { result } = useSetup(() => useConvexAction(api.reliability.echo), [convex])
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    expect(result.run({ value: 1, delayMs: 0, fail: true })).toBeUndefined()
    expect(result.status.value).toBe('pending')
    await convex.flush()
    await flushPromises()
    expect(result.status.value).toBe('error')
    expect(result.state.value.status === 'error' && result.state.value.error.message).toMatch(/ConvexError/)
    process.off('unhandledRejection', unhandled)
    expect(unhandled).not.toHaveBeenCalled()
  })
})
