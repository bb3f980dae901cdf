import type { MaybeRefOrGetter, ShallowRef } from 'vue'
import { tryOnScopeDispose } from '@vueuse/core'
import { shallowRef, toValue } from 'vue'
import { resolveClient } from '../_internal'

/** Options of {@link useConvexThing}. */
export interface UseConvexThingOptions {
  /**
   * What the option changes, in one sentence.
   * @default 10
   */
  limit?: number
}

/** What {@link useConvexThing} returns. */
export interface UseConvexThingReturn {
  /** What the ref holds, and when it changes. */
  value: ShallowRef<number>
}

/**
 * One sentence on what it does; the docs page's intro repeats it.
 *
 * @example
 * const { value } = useConvexThing(() => props.id)
 */
export function useConvexThing(input: MaybeRefOrGetter<string>, options: UseConvexThingOptions = {}): UseConvexThingReturn {
  const { limit = 10 } = options
  const client = resolveClient('useConvexThing')
  const value = shallowRef(Math.min(toValue(input).length, limit))
  tryOnScopeDispose(() => void client)
  return { value }
}
