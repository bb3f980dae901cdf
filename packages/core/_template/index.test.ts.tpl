import { describe, expect, it } from 'vitest'
import { useConvexThing } from '.'
import { useSetup, useTestConvex } from '../_test'

const convex = useTestConvex()

describe('useConvexThing', () => {
  it('does what a user relies on, against the in-memory backend', () => {
    const { result } = useSetup(() => useConvexThing('abc'), [convex])
    expect(result.value.value).toBe(3)
  })
})
