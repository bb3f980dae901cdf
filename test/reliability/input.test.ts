// Bad input never crashes and never leaves a composable pending: each case ends in a
// rejected `execute` (or a query error) with a message that says what is wrong.
import { useConvexAction, useConvexMutation, useConvexPaginatedQuery, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { api } from '../../docs/backend'
import { useSetup } from '../../packages/core/_test'
import { useTestConvex } from './helpers'

class Point {
  constructor(public x = 1, public y = 2) {}
}

function cyclic() {
  const value: Record<string, unknown> = { a: { b: {} } }
  ;(value.a as any).b.back = value
  return value
}

const unsendable: Array<[string, () => unknown, RegExp]> = [
  ['a function', () => () => 1, /not a supported Convex type|not a valid Convex value/],
  ['undefined inside an array', () => [1, undefined], /undefined is not a valid Convex value \(present at path \.value\[1\]/],
  ['a cyclic object', cyclic, /circular reference at \.value\.a\.b\.back/],
  ['a class instance', () => new Point(), /Point .* is not a supported Convex type/],
  ['a Date', () => new Date(0), /Date .* is not a supported Convex type/],
  ['a payload over 16 MiB', () => 'x'.repeat(17 * 1024 * 1024), /ArgumentsTooLarge/],
]

describe('bad input', () => {
  const convex = useTestConvex()

  it.each([
    ['useConvexAction', (ref: any) => useConvexAction(ref)],
    ['useConvexMutation', (ref: any) => useConvexMutation(ref)],
    ['useConvexQuery', (ref: any) => useConvexQuery(ref, {})],
    ['useConvexPaginatedQuery', (ref: any) => useConvexPaginatedQuery(ref, {}, { initialNumItems: 1 })],
  ])('%s names itself when the reference is a string or undefined', (name, use) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}) // Vue reports the setup error
    for (const bad of ['messages:list', undefined]) {
      expect(() => useSetup(() => use(bad), [convex]))
        .toThrowError(new RegExp(`${name}\\(\\): expected a Convex function reference`))
    }
    warn.mockRestore()
  })

  it('reports a query passed to useConvexAction with the server\'s message (the type checker catches it first)', async () => {
    const { result } = useSetup(() => useConvexAction(api.messages.list as any), [convex])
    await expect(result.execute({})).rejects.toThrow('Trying to execute messages:list as Action, but it is defined as Query.')
    expect(result.status.value).toBe('error')
  })

  it.each(unsendable)('useConvexAction rejects %s with a clear message and status error', async (_, make, message) => {
    const { result } = useSetup(() => useConvexAction(api.reliability.roundTrip), [convex])
    await expect(result.execute({ value: make() as any })).rejects.toThrow(message)
    expect(result.status.value).toBe('error')
    expect(result.pending.value).toBe(false)
  })

  it.each(unsendable.slice(0, 5))('useConvexMutation rejects %s with a clear message and status error', async (_, make, message) => {
    const { result } = useSetup(() => useConvexMutation(api.reliability.echoMutation), [convex])
    await expect(result.execute({ value: make() as any, fail: false })).rejects.toThrow(message)
    expect(result.status.value).toBe('error')
  })

  it.each(unsendable.slice(0, 5))('useConvexQuery reports %s as an error without subscribing', async (_, make, message) => {
    const { result } = useSetup(() => useConvexQuery(api.counter.get, { name: make() as any }), [convex])
    expect(result.status.value).toBe('error')
    expect(result.error.value?.message).toMatch(new RegExp(message.source.replace('\\.value', '\\.name')))
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('surfaces server validator failures with the server\'s message', async () => {
    const { result } = useSetup(() => ({
      action: useConvexAction(api.reliability.echo),
      query: useConvexQuery(api.counter.get, { name: 5 as any }),
    }), [convex])
    await expect(result.action.execute({ value: 'one' as any, delayMs: 0, fail: false })).rejects.toThrow(/ArgumentValidationError/)
    await vi.waitFor(() => expect(result.query.error.value?.message).toMatch(/ArgumentValidationError/))
  })
})
