import type { Id } from '../../../docs/convex/_generated/dataModel'
import { makeFunctionReference } from 'convex/server'
import { ConvexError } from 'convex/values'
import { describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useConvexAction } from '.'
import { api } from '../../../docs/backend'
import { controlledClient, flushPromises, useSetup, useTestConvex, withClient } from '../_test'
import { provideConvexClient } from '../useConvexClient'

const generate = makeFunctionReference<'action', { prompt: string }, { text: string }>('ai:generate')

describe('useConvexAction (state machine)', () => {
  it('starts idle with no data and a null error', () => {
    const { client } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    expect(result.status.value).toBe('idle')
    expect(result.pending.value).toBe(false)
    expect(result.data.value).toBeUndefined()
    expect(result.error.value).toBeNull()
    expect(client.action).not.toHaveBeenCalled()
  })

  it('goes pending, then success with the result that execute resolves with', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const promise = result.execute({ prompt: 'hi' })
    expect(result.status.value).toBe('pending')
    expect(result.pending.value).toBe(true)
    expect(calls[0].args).toEqual({ prompt: 'hi' })
    expect(calls[0].reference).toBe(generate)
    calls[0].resolve({ text: 'hello' })
    await expect(promise).resolves.toEqual({ text: 'hello' })
    expect(result.status.value).toBe('success')
    expect(result.pending.value).toBe(false)
    expect(result.data.value).toEqual({ text: 'hello' })
    expect(result.error.value).toBeNull()
  })

  it('rejects with the very error of the client and sets error and status', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const promise = result.execute({ prompt: 'x' })
    const failure = new ConvexError({ code: 'quota' })
    calls[0].reject(failure)
    await expect(promise).rejects.toBe(failure)
    expect(result.status.value).toBe('error')
    expect(result.error.value).toBe(failure)
    expect(result.data.value).toBeUndefined()
  })

  it('treats a synchronous throw of the client as a rejection, never a stuck pending', async () => {
    const boom = new TypeError('cannot serialize')
    const client = {
      action: vi.fn(() => {
        throw boom
      }),
    }
    const { result } = withClient(client, () => useConvexAction(generate))
    await expect(result.execute({ prompt: 'x' })).rejects.toBe(boom)
    expect(result.status.value).toBe('error')
    expect(result.pending.value).toBe(false)
    expect(result.error.value).toBe(boom)
  })

  it.each([undefined, 'quota exceeded', 0, { code: 42 }])('wraps a rejection with %j in an Error, keeping it as the cause', async (reason) => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const promise = result.execute({ prompt: 'x' })
    calls[0].reject(reason)
    const error = await promise.catch(e => e)
    expect(error).toBeInstanceOf(Error)
    expect(error.cause).toBe(reason)
    expect(error.message).toContain(typeof reason === 'string' ? reason : 'not an Error')
    expect(result.status.value).toBe('error')
    expect(result.error.value).toBe(error)
  })

  it('calls an action without arguments with an empty object', async () => {
    const { client, calls } = controlledClient()
    const model = makeFunctionReference<'action', Record<string, never>, string>('ai:model')
    const { result } = withClient(client, () => useConvexAction(model))
    const promise = result.execute()
    expect(calls[0].args).toEqual({})
    calls[0].resolve('m')
    await expect(promise).resolves.toBe('m')
  })

  it('clears error and data when a new call starts', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const first = result.execute({ prompt: 'a' })
    calls[0].resolve({ text: 'a' })
    await first
    const second = result.execute({ prompt: 'b' })
    expect(result.data.value).toBeUndefined()
    calls[1].reject(new Error('nope'))
    await second.catch(() => {})
    expect(result.error.value?.message).toBe('nope')
    void result.execute({ prompt: 'c' })
    expect(result.error.value).toBeNull()
    expect(result.status.value).toBe('pending')
  })

  it('keeps the previous data during a new call with resetOnExecute: false', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate, { resetOnExecute: false }))
    const first = result.execute({ prompt: 'a' })
    calls[0].resolve({ text: 'a' })
    await first
    void result.execute({ prompt: 'b' })
    expect(result.status.value).toBe('pending')
    expect(result.data.value).toEqual({ text: 'a' })
  })

  it('lets only the latest of overlapping calls write state; older promises still settle', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const older = result.execute({ prompt: 'old' })
    const newer = result.execute({ prompt: 'new' })
    calls[1].resolve({ text: 'new' })
    await expect(newer).resolves.toEqual({ text: 'new' })
    expect(result.status.value).toBe('success')
    calls[0].resolve({ text: 'old' })
    await expect(older).resolves.toEqual({ text: 'old' })
    expect(result.data.value).toEqual({ text: 'new' })
    expect(result.status.value).toBe('success')
  })

  it('stays pending until the latest call settles, even when an older one fails', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const older = result.execute({ prompt: 'old' })
    const newer = result.execute({ prompt: 'new' })
    calls[0].reject(new Error('old failed'))
    await expect(older).rejects.toThrow('old failed')
    expect(result.status.value).toBe('pending')
    expect(result.error.value).toBeNull()
    calls[1].resolve({ text: 'new' })
    await newer
    expect(result.status.value).toBe('success')
  })

  it('reset() returns to idle and a call in flight never writes afterwards', async () => {
    const onSuccess = vi.fn()
    const onError = vi.fn()
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate, { onSuccess, onError }))
    const first = result.execute({ prompt: 'a' })
    calls[0].resolve({ text: 'a' })
    await first
    const inFlight = result.execute({ prompt: 'b' })
    result.reset()
    expect(result.status.value).toBe('idle')
    expect(result.pending.value).toBe(false)
    expect(result.data.value).toBeUndefined()
    expect(result.error.value).toBeNull()
    calls[1].resolve({ text: 'b' })
    await expect(inFlight).resolves.toEqual({ text: 'b' })
    await flushPromises()
    expect(result.status.value).toBe('idle')
    expect(result.data.value).toBeUndefined()
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(onError).not.toHaveBeenCalled()
  })

  it('reset() after a failure clears the error', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    const p = result.execute({ prompt: 'a' })
    calls[0].reject(new Error('x'))
    await p.catch(() => {})
    result.reset()
    expect(result.error.value).toBeNull()
    expect(result.status.value).toBe('idle')
    await flushPromises()
    expect(result.status.value).toBe('idle')
  })

  it('keeps working after reset()', async () => {
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate))
    result.reset()
    const p = result.execute({ prompt: 'again' })
    expect(result.status.value).toBe('pending')
    calls[0].resolve({ text: 'again' })
    await p
    expect(result.status.value).toBe('success')
    expect(result.data.value).toEqual({ text: 'again' })
  })

  it('calls onSuccess and onError with the outcome and the arguments of each call', async () => {
    const onSuccess = vi.fn()
    const onError = vi.fn()
    const { client, calls } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(generate, { onSuccess, onError }))
    const ok = result.execute({ prompt: 'a' })
    calls[0].resolve({ text: 'A' })
    await ok
    expect(onSuccess).toHaveBeenCalledWith({ text: 'A' }, { prompt: 'a' })
    const failure = new Error('bad')
    const ko = result.execute({ prompt: 'b' })
    calls[1].reject(failure)
    await ko.catch(() => {})
    expect(onError).toHaveBeenCalledWith(failure, { prompt: 'b' })
  })

  it('rejects with a ConvexTimeoutError after `timeout` ms and ignores the late result', async () => {
    vi.useFakeTimers()
    try {
      const { client, calls } = controlledClient()
      const { result } = withClient(client, () => useConvexAction(generate, { timeout: 1000 }))
      const p = result.execute({ prompt: 'slow' })
      const assertion = expect(p).rejects.toMatchObject({ name: 'ConvexTimeoutError', timeout: 1000 })
      await vi.advanceTimersByTimeAsync(1000)
      await assertion
      expect(result.status.value).toBe('error')
      expect(result.error.value?.message).toMatch(/ai:generate.*1000 ms/)
      calls[0].resolve({ text: 'late' })
      await vi.advanceTimersByTimeAsync(1)
      expect(result.data.value).toBeUndefined()
      expect(result.status.value).toBe('error')
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('reads a ref or getter of the reference on each call', async () => {
    const { client, calls } = controlledClient()
    const other = makeFunctionReference<'action', { prompt: string }, { text: string }>('ai:other')
    const current = ref(generate)
    const { result } = withClient(client, () => useConvexAction(current))
    void result.execute({ prompt: 'a' })
    current.value = other
    void result.execute({ prompt: 'b' })
    expect(calls.map(c => c.reference)).toEqual([generate, other])
  })
})

describe('useConvexAction (client and references)', () => {
  it('throws a clear error when no client was provided', () => {
    const scope = effectScope()
    expect(() => scope.run(() => useConvexAction(generate))).toThrowError(
      /useConvexAction\(\): was called outside setup\(\).*pass \{ client \}/,
    )
    scope.stop()
  })

  it('uses options.client without any plugin, outside a component', async () => {
    const { client, calls } = controlledClient()
    const scope = effectScope()
    const action = scope.run(() => useConvexAction(generate, { client }))!
    const p = action.execute({ prompt: 'x' })
    calls[0].resolve({ text: 'y' })
    await expect(p).resolves.toEqual({ text: 'y' })
    scope.stop()
  })

  it('uses the client of provideConvexClient in a subtree over the app one', () => {
    const app = controlledClient()
    const local = controlledClient()
    const { result } = withClient(app.client, () => {
      provideConvexClient(local.client)
      return useConvexAction(generate)
    })
    // provide() in the same component applies to children; this component still sees the app's.
    void result.execute({ prompt: 'x' })
    expect(app.calls).toHaveLength(1)
  })

  it.each([
    ['a string', 'ai:generate'],
    ['undefined', undefined],
    ['a plain object', {}],
  ])('rejects %s as the function reference with an error naming the composable', (_, value) => {
    const { client } = controlledClient()
    expect(() => useConvexAction(value as any, { client })).toThrowError(/useConvexAction\(\): expected a Convex function reference/)
  })

  it('rejects a bad reference given through a getter at execute time, with status error', async () => {
    const { client } = controlledClient()
    const { result } = withClient(client, () => useConvexAction(() => undefined as any))
    await expect(result.execute({} as any)).rejects.toThrow(/expected a Convex function reference/)
    expect(result.status.value).toBe('error')
  })

  it('rejects a client without action()', () => {
    expect(() => useConvexAction(generate, { client: {} })).toThrowError(/no action\(\) method/)
  })
})

describe('useConvexAction (lifecycle)', () => {
  it('does not write state or call back after unmount, without warnings', async () => {
    const warn = vi.spyOn(console, 'warn')
    const onSuccess = vi.fn()
    const { client, calls } = controlledClient()
    const { result, unmount } = withClient(client, () => useConvexAction(generate, { onSuccess }))
    const p = result.execute({ prompt: 'x' })
    unmount()
    calls[0].resolve({ text: 'late' })
    await expect(p).resolves.toEqual({ text: 'late' })
    await nextTick()
    expect(result.data.value).toBeUndefined()
    expect(onSuccess).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
  })

  it('lets a disposed scope be garbage collected once its call settled', async () => {
    const gc = (globalThis as any).gc as undefined | (() => void)
    if (!gc)
      throw new Error('run vitest with --expose-gc (see vitest.config.ts)')
    const { client, calls } = controlledClient()
    let weak!: WeakRef<object>
    let pending: Promise<unknown> | undefined
    ;(() => {
      const scope = effectScope()
      const result = scope.run(() => useConvexAction(generate, { client }))!
      weak = new WeakRef(result)
      pending = result.execute({ prompt: 'x' })
      scope.stop()
    })()
    calls[0].resolve({ text: 'done' })
    await pending
    calls.length = 0
    pending = undefined
    for (let i = 0; i < 10 && weak.deref(); i++) {
      await flushPromises()
      gc()
    }
    expect(weak.deref()).toBeUndefined()
  })
})

describe('useConvexAction (through the real ConvexClient and @vueuse-convex/testing)', () => {
  const convex = useTestConvex()

  it('runs an action: idle → pending → success, with the typed result', async () => {
    convex.backend.setLatency(api.ai.generate, 30)
    const { result } = useSetup(() => useConvexAction(api.ai.generate), [convex])
    const statuses: string[] = [result.status.value]
    const p = result.execute({ prompt: 'Hello Convex' })
    statuses.push(result.status.value)
    const value = await p
    statuses.push(result.status.value)
    expect(statuses).toEqual(['idle', 'pending', 'success'])
    expect(value.text).toContain('Hello Convex')
    expect(result.data.value).toEqual(value)
  })

  it('rejects with the server ConvexError, keeping its class and data', async () => {
    const { result } = useSetup(() => useConvexAction(api.payments.process), [convex])
    const err = await result.execute({ amount: 2999, paymentMethodId: 'pm_card_insufficient_funds' }).catch(e => e)
    expect(err).toBeInstanceOf(ConvexError)
    expect(err.data).toBe('insufficient_funds')
    expect(err.message).toContain('insufficient_funds')
    expect(result.error.value).toBe(err)
    expect(result.status.value).toBe('error')
  })

  it('surfaces the server validator message for bad arguments', async () => {
    const { result } = useSetup(() => useConvexAction(api.ai.generate), [convex])
    await expect(result.execute({ prompt: 1 } as any)).rejects.toThrow(/ArgumentValidationError/)
    expect(result.status.value).toBe('error')
  })

  it('rejects arguments Convex cannot serialize, with status error', async () => {
    const { result } = useSetup(() => useConvexAction(api.ai.generate), [convex])
    await expect(result.execute({ prompt: () => 1 } as any)).rejects.toThrow()
    expect(result.status.value).toBe('error')
  })

  it('calls an action without arguments as execute()', async () => {
    const { result } = useSetup(() => useConvexAction(api.ai.model), [convex])
    await expect(result.execute()).resolves.toBe('in-memory-model-1')
  })

  it('stays pending while a slow action runs, then succeeds', async () => {
    convex.backend.setLatency(api.email.send, 50)
    const { result } = useSetup(() => useConvexAction(api.email.send), [convex])
    const p = result.execute({ to: 'user@example.com', subject: 'Hello', body: 'Welcome!' })
    await new Promise(r => setTimeout(r, 20))
    expect(result.pending.value).toBe(true)
    await expect(p).resolves.toBe(true)
    expect(result.status.value).toBe('success')
  })

  it('behaves as the contract page\'s examples say', async () => {
    const { result } = useSetup(() => ({
      email: useConvexAction(api.email.send),
      payment: useConvexAction(api.payments.process),
      summarize: useConvexAction(api.ai.summarize),
      files: useConvexAction(api.files.processImage),
    }), [convex])
    // Basic: send an email; a failure would land in `error`.
    await expect(result.email.execute({ to: 'user@example.com', subject: 'Hello', body: 'Welcome!' })).resolves.toBe(true)
    expect(result.email.error.value).toBeNull()
    // Payment: branch on the typed result.
    const paid = await result.payment.execute({ amount: 2999, paymentMethodId: 'pm_card_visa' })
    expect(paid.success).toBe(true)
    // Error handling: the reason is in the message (and in ConvexError.data).
    const declined = await result.payment.execute({ amount: 1000, paymentMethodId: 'pm_card_insufficient_funds' }).catch(e => e)
    expect(declined.message.includes('insufficient_funds')).toBe(true)
    expect(result.payment.pending.value).toBe(false)
    // AI: the summary is a string, also in `data`.
    const summary = await result.summarize.execute({ articleId: 'a1' })
    expect(typeof summary).toBe('string')
    expect(result.summarize.data.value).toBe(summary)
    // Files: process an uploaded image by its storage id.
    const storageId: Id<'_storage'> = await convex.backend.run(ctx => ctx.storage.store(new Blob(['fake png bytes'], { type: 'image/png' })))
    await expect(result.files.execute({ storageId })).resolves.toEqual({ storageId, bytes: 14, type: 'image/png' })
  })

  it('fails an action in flight when the connection drops', async () => {
    convex.backend.setLatency(api.ai.model, 50)
    const { result } = useSetup(() => useConvexAction(api.ai.model), [convex])
    const p = result.execute()
    await new Promise(r => setTimeout(r, 10))
    convex.backend.disconnect()
    await expect(p).rejects.toThrow('Connection lost while action was in flight')
    expect(result.status.value).toBe('error')
  })
})
