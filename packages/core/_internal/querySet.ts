// A keyed set of live queries: one `client.onUpdate` subscription per key, opened, closed
// or replaced as the keys and their targets change. useConvexQueries and
// useConvexPaginatedQuery (one key per page) are built on it.
import type { FunctionReference } from 'convex/server'
import type { Ref } from 'vue'
import type { Lifetimes } from './cache'
import type { QueryRenderOptions } from './once'
import type { ConvexClientLike, QuerySource } from './types'
import { tryOnScopeDispose } from '@vueuse/core'
import { getCurrentInstance, onServerPrefetch, shallowReactive, shallowRef, toRaw, watch } from 'vue'
import { injectContext } from './context'
import { loadQuery } from './once'

/** Where one query of a set stands. */
export type QuerySetStatus = 'idle' | 'pending' | 'success' | 'error'

/** The state of one query of a set. A new object whenever it changes. */
export interface QuerySetResult<Result = unknown> {
  status: QuerySetStatus
  /** The latest result; `undefined` until the first one. */
  data: Result | undefined
  /** The query's error, `null` otherwise. */
  error: Error | null
  /**
   * Where `data` came from while it is not the live value yet: `'cache'` or `'persisted'`
   * (stale, the live value follows) or `'ssr'`; absent for a live value.
   */
  source?: QuerySource
}

/** One query to keep subscribed. */
export interface SetTarget {
  reference: FunctionReference<'query'>
  args: Record<string, unknown>
  /** Equal for the same query and arguments: a target whose key changes is re-subscribed. */
  key: string
  /** The key its server-rendered result is kept under, when it differs from `key`. */
  ssrKey?: string
  /** What `data` holds while there is no result yet (the entry's `default()`). */
  placeholder?: unknown
  /** `false`: never persisted (a paginated list's pages, whose keys hold the list's own id). */
  persist?: boolean
}

/** A query set's results: reactive per key, or all at once through `version`. */
export interface QuerySet {
  /** The result of each key; reading one key tracks that key only. */
  results: Record<string, QuerySetResult>
  /** The same record, untracked: read it after `version` to depend on every key at once. */
  raw: Record<string, QuerySetResult>
  /** Changes whenever any key's result does (one dependency instead of one per key). */
  version: Ref<number>
}

/** What each key should hold: a query, `null` (skipped) or an `Error` (its input is unusable). */
export type SetTargets = Record<string, SetTarget | Error | null>

const IDLE: QuerySetResult<never> = Object.freeze({ status: 'idle', data: undefined, error: null })
const PENDING: QuerySetResult<never> = Object.freeze({ status: 'pending', data: undefined, error: null })
const success = <R>(data: R, source?: QuerySource): QuerySetResult<R> => source ? { status: 'success', data, error: null, source } : { status: 'success', data, error: null }
const failure = (error: Error, data?: unknown): QuerySetResult => ({ status: 'error', data, error })

interface Slot {
  target: SetTarget | Error | null
  unsubscribe?: () => void
}

function sameTarget(a: SetTarget | Error | null, b: SetTarget | Error | null): boolean {
  return a === b || (!!a && !!b && !(a instanceof Error) && !(b instanceof Error) && a.key === b.key)
}

/**
 * Keeps `results[key]` live for every key of `targets()`. Runs synchronously with changes of
 * the targets, so a key present in the targets always has a result. On a client without
 * `onUpdate` (the HTTP client of server-side rendering) each query is fetched once and kept
 * for hydration. `render` applies to every key (see {@link QueryRenderOptions}).
 */
export function useQuerySet(
  client: ConvexClientLike,
  targets: () => SetTargets,
  lifetimes: Lifetimes = { keepAlive: 0, gcTime: 0 },
  /** `false` for callers that read only `raw` after `version`: a result is then written without a reactive proxy's bookkeeping, and `results` tracks nothing. */
  perKey = true,
  render: QueryRenderOptions = {},
): QuerySet {
  const context = injectContext()
  const instance = getCurrentInstance()
  const results: Record<string, QuerySetResult> = perKey ? shallowReactive<Record<string, QuerySetResult>>({}) : {}
  const raw = toRaw(results)
  const store = perKey ? results : raw
  const version = shallowRef(0)
  const slots = new Map<string, Slot>()

  function write(key: string, slot: Slot, result: QuerySetResult) {
    if (slots.get(key) === slot) {
      store[key] = result
      version.value++
    }
  }

  function open(key: string, target: SetTarget | Error | null) {
    const slot: Slot = { target }
    slots.set(key, slot)
    if (target === null || target instanceof Error) {
      write(key, slot, target ? failure(target) : IDLE)
      return
    }
    write(key, slot, target.placeholder === undefined ? PENDING : { ...PENDING, data: target.placeholder })
    const onValue = (value: unknown) => write(key, slot, success(value))
    const onKnown = (value: unknown, source: QuerySource) => write(key, slot, success(value, source))
    // An error keeps the last result shown.
    const onError = (e: Error) => write(key, slot, failure(e, raw[key]?.data ?? target.placeholder))
    const { stop, fetched } = loadQuery(client, context, render, lifetimes, { ...target, ssrKey: target.ssrKey ?? target.key }, { onValue, onError, onKnown })
    slot.unsubscribe = stop
    if (fetched && instance)
      onServerPrefetch(() => fetched, instance)
  }

  function close(key: string) {
    slots.get(key)?.unsubscribe?.()
    slots.delete(key)
    delete store[key]
    version.value++
  }

  watch(targets, (next) => {
    for (const key of [...slots.keys()]) {
      if (!(key in next))
        close(key)
    }
    for (const [key, target] of Object.entries(next)) {
      const slot = slots.get(key)
      if (slot && sameTarget(slot.target, target))
        continue
      if (slot)
        close(key)
      open(key, target)
    }
  }, { immediate: true, flush: 'sync' })

  tryOnScopeDispose(() => {
    for (const key of [...slots.keys()])
      close(key)
  })

  return { results, raw, version }
}
