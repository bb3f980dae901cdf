import type { TestConvex } from '.'
import { ConvexError } from 'convex/values'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex, createTestToken } from '.'
import { api, modules, schema } from '../../../docs/backend'

let convex: TestConvex
beforeEach(() => {
  convex = createTestConvex({ schema, modules })
})
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

/** Resolves with the next value `onUpdate` delivers that satisfies `accept`. */
function nextValue<T>(subscribe: (cb: (v: T) => void) => () => void, accept: (v: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe((v) => {
      if (accept(v)) {
        queueMicrotask(() => stop())
        resolve(v)
      }
    })
  })
}

describe('createTestConvex', () => {
  it('runs an action and resolves with its result', async () => {
    await expect(convex.client.action(api.ai.generate, { prompt: 'Hello world' }))
      .resolves
      .toEqual({ text: expect.stringContaining('Hello world'), tokens: expect.any(Number) })
  })

  it('delivers a ConvexError thrown on the server with its data', async () => {
    const error = await convex.client.action(api.payments.process, { amount: 100, paymentMethodId: 'pm_card_declined' }).catch(e => e)
    expect(error).toBeInstanceOf(ConvexError)
    expect(error.data).toBe('card_declined')
    expect(error.message).toContain('card_declined')
  })

  it('delivers other server errors as the client does, with the message and no stack', async () => {
    const error = await convex.client.action(api.ai.crash, {}).catch(e => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(ConvexError)
    expect(error.message).toContain('Uncaught Error: The model crashed')
    expect(error.message).toContain('[CONVEX A(ai:crash)]')
    expect(error.message).not.toMatch(/\bat .*\.ts:\d+/)
  })

  it('runs argument validators and rejects bad arguments as a deployment does', async () => {
    const error = await convex.client.action(api.ai.generate, { prompt: 42 } as any).catch(e => e)
    expect(error.message).toContain('ArgumentValidationError')
    const missing = await convex.client.mutation(api.messages.send, { author: 'a' } as any).catch(e => e)
    expect(missing.message).toContain('ArgumentValidationError')
  })

  it('pushes new query results after a mutation, and the mutation resolves with its result', async () => {
    const values: unknown[][] = []
    const stop = convex.client.onUpdate(api.messages.list, {}, v => values.push(v))
    await vi.waitFor(() => expect(values).toEqual([[]]))
    const id = await convex.client.mutation(api.messages.send, { author: 'ada', body: 'hi' })
    expect(typeof id).toBe('string')
    // A mutation resolves only once the client has seen its own write.
    expect(convex.client.client.localQueryResult('messages:list', {})).toEqual([expect.objectContaining({ body: 'hi', _id: id })])
    await vi.waitFor(() => expect(values.at(-1)).toEqual([expect.objectContaining({ body: 'hi' })]))
    stop()
  })

  it('pushes writes made by an action, by run() and to other clients', async () => {
    const other = convex.createClient()
    const outbox = nextValue<any[]>(cb => other.onUpdate(api.email.outbox, {}, cb), v => v.length === 1)
    await convex.client.action(api.email.send, { to: 'a@b.co', subject: 's', body: 'b' })
    expect((await outbox)[0]).toMatchObject({ to: 'a@b.co' })

    const seen = nextValue<any[]>(cb => convex.client.onUpdate(api.messages.list, {}, cb), v => v.length === 1)
    await convex.backend.run(ctx => ctx.db.insert('messages', { author: 'system', body: 'seeded' }))
    expect((await seen)[0].body).toBe('seeded')
  })

  it('sends a failed query as an error and recovers when it succeeds again', async () => {
    convex.backend.failNext(api.counter.get, new ConvexError('boom'))
    const errors: Error[] = []
    const values: number[] = []
    const stop = convex.client.onUpdate(api.counter.get, { name: 'x' }, v => values.push(v), e => errors.push(e))
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect((errors[0] as ConvexError<string>).data).toBe('boom')
    await convex.client.mutation(api.counter.increment, { name: 'x' })
    await vi.waitFor(() => expect(values).toEqual([1]))
    stop()
  })

  it('fails the next call of a function when asked, then runs it normally', async () => {
    convex.backend.failNext(api.ai.model, 'Injected outage')
    await expect(convex.client.action(api.ai.model, {})).rejects.toThrow('Injected outage')
    await expect(convex.client.action(api.ai.model, {})).resolves.toBe('in-memory-model-1')
  })

  it('waits the latency set for a function', async () => {
    convex.backend.setLatency(api.ai.model, 80)
    const started = performance.now()
    await convex.client.action(api.ai.model, {})
    expect(performance.now() - started).toBeGreaterThanOrEqual(75)
  })

  it('gives functions the identity set by a test', async () => {
    await expect(convex.client.action(api.users.secret, {})).rejects.toThrow('unauthenticated')
    convex.backend.setIdentity({ subject: 'user_1', name: 'Ada' })
    await expect(convex.client.action(api.users.secret, {})).resolves.toBe('The secret for user_1 is 42.')
  })

  it('authenticates the client with setAuth tokens and updates queries when auth changes', async () => {
    const me = vi.fn()
    convex.client.onUpdate(api.users.me, {}, v => me(v))
    await vi.waitFor(() => expect(me).toHaveBeenLastCalledWith(null))
    const fetchToken = vi.fn(async () => createTestToken({ sub: 'user_2', name: 'Grace' }))
    const onChange = vi.fn()
    convex.client.setAuth(fetchToken, onChange)
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledWith(true))
    await vi.waitFor(() => expect(me).toHaveBeenLastCalledWith({ subject: 'user_2', name: 'Grace' }))
    await expect(convex.client.action(api.users.secret, {})).resolves.toContain('user_2')
    convex.client.client.clearAuth()
    await vi.waitFor(() => expect(me).toHaveBeenLastCalledWith(null))
  })

  it('rejects an expired token with an AuthError that does not contain the token', async () => {
    const token = createTestToken({ sub: 'u', expiresIn: -10 })
    const onChange = vi.fn()
    convex.client.setAuth(async () => token, onChange)
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledWith(false))
  })

  it('fails an action in flight when the connection drops, as the client reports it', async () => {
    convex.backend.setLatency(api.ai.model, 50)
    const call = convex.client.action(api.ai.model, {})
    await new Promise(r => setTimeout(r, 10))
    convex.backend.disconnect()
    await expect(call).rejects.toThrow('Connection lost while action was in flight')
  })

  it('retries a mutation in flight when the connection drops, and runs it once', async () => {
    convex.backend.setLatency(api.counter.increment, 50)
    const call = convex.client.mutation(api.counter.increment, { name: 'retry' })
    await new Promise(r => setTimeout(r, 10))
    convex.backend.disconnect()
    await expect(call).resolves.toBe(1)
    await expect(convex.client.query(api.counter.get, { name: 'retry' })).resolves.toBe(1)
    expect(convex.backend.stats.connectionsOpened).toBe(2)
  })

  it('resumes live queries with fresh data after a reconnect', async () => {
    const values: number[] = []
    convex.client.onUpdate(api.counter.get, { name: 'live' }, v => values.push(v))
    await vi.waitFor(() => expect(values).toEqual([0]))
    convex.backend.setOnline(false)
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'live', value: 7 }))
    convex.backend.setOnline(true)
    await vi.waitFor(() => expect(values.at(-1)).toBe(7), { timeout: 5000 })
  })

  it('runs scheduled functions when the test advances them', async () => {
    const seen = nextValue<any[]>(cb => convex.client.onUpdate(api.messages.list, {}, cb), v => v.length === 1)
    await convex.client.mutation(api.messages.sendLater, { author: 'bot', body: 'later', delayMs: 0 })
    await convex.backend.finishScheduled()
    expect((await seen)[0].body).toBe('later')
  })

  it('shares one server subscription between subscribers of the same query and args', async () => {
    const stops = Array.from({ length: 5 }, () => convex.client.onUpdate(api.messages.list, {}, () => {}))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    stops.forEach(stop => stop())
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })
})
