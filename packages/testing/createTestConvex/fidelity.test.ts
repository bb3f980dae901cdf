// What a deployment does and the in-memory backend must do too: each test names a case where
// a test used to pass here while production failed (or the reverse).
import { makeFunctionReference } from 'convex/server'
import { describe, expect, it, vi } from 'vitest'
import { api, internal } from '../../../docs/backend'
import { useTestConvex } from '../../core/_test'

const convex = useTestConvex()

describe('fidelity to a deployment', () => {
  it('refuses internal functions to clients, with a deployment\'s message, and runs nothing', async () => {
    const error = await convex.client.mutation(internal.messages.post as any, { author: 'a', body: 'b' }).catch((e: Error) => e)
    expect((error as Error).message).toContain('Could not find public function for \'messages:post\'. Did you forget to run npx convex dev or npx convex deploy?')
    expect(await convex.backend.run(ctx => ctx.db.query('messages').collect())).toEqual([])
    // Tests still reach internal functions directly.
    await convex.backend.t.mutation(internal.messages.post, { author: 'a', body: 'b' })
    expect(await convex.backend.run(ctx => ctx.db.query('messages').collect())).toHaveLength(1)
  })

  it('refuses a missing function and a function of another kind as a deployment does', async () => {
    const missing = makeFunctionReference<'action'>('messages:nope')
    await expect(convex.client.action(missing, {})).rejects.toThrow(/Could not find public function for 'messages:nope'/)
    await expect(convex.client.action(makeFunctionReference<'action'>('nomodule:fn'), {})).rejects.toThrow(/Could not find public function for 'nomodule:fn'/)
    const queryAsMutation = makeFunctionReference<'mutation'>('messages:list')
    await expect(convex.client.mutation(queryAsMutation, {})).rejects.toThrow('Trying to execute messages:list as Mutation, but it is defined as Query.')
    const failed = await new Promise<Error>((resolve) => {
      convex.client.onUpdate(makeFunctionReference<'query'>('messages:send'), {}, () => {}, resolve)
    })
    expect(failed.message).toContain('Trying to execute messages:send as Query, but it is defined as Mutation.')
  })

  it('refuses query arguments over 16 MiB, as it does for mutations and actions', async () => {
    const failed = await new Promise<Error>((resolve) => {
      convex.client.onUpdate(api.counter.get, { name: 'x'.repeat(17 * 1024 * 1024) }, () => {}, resolve)
    })
    expect(failed.message).toMatch(/ArgumentsTooLarge: the arguments of counter:get are \d+ bytes, over Convex's limit/)
  })

  it('keeps delivering after a client callback throws inside onmessage', async () => {
    // A browser reports it as uncaught (reportError) and keeps delivering.
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    let calls = 0
    const values: number[] = []
    convex.client.onUpdate(api.counter.get, { name: 'c' }, (v: number) => {
      calls++
      if (calls === 2)
        throw new Error('a buggy callback')
      values.push(v)
    })
    await convex.flush() // first value: 0
    await convex.client.mutation(api.counter.increment, { name: 'c' })
    await convex.flush()
    await convex.client.mutation(api.counter.increment, { name: 'c' })
    await vi.waitFor(() => expect(values).toContain(2))
    vi.unstubAllGlobals()
    expect(String(reportError.mock.calls[0][0])).toContain('a buggy callback')
  })

  it('runs every mutation exactly once when more than 1,000 are in flight across a reconnect', async () => {
    const N = 1100
    convex.backend.setLatency(api.counter.increment, 5)
    const calls = Array.from({ length: N }, () => convex.client.mutation(api.counter.increment, { name: 'once' }))
    await new Promise(resolve => setTimeout(resolve, 20))
    convex.backend.disconnect()
    await Promise.all(calls)
    expect(await convex.client.query(api.counter.get, { name: 'once' })).toBe(N)
  }, 60_000)
})
