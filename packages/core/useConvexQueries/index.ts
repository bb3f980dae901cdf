import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { MaybeRefOrGetter } from 'vue'
import type { ArgsWithRefs } from '../_internal/args'
import type { QueryRenderOptions } from '../_internal/once'
import type { SetTargets } from '../_internal/querySet'
import type { ConvexClientLike } from '../useConvexClient'
import type { QueryStatus } from '../useConvexQuery'
import { toValue } from 'vue'
import { guard, queryTarget, resolveQueryClient, usageError } from '../_internal'
import { resolveLifetimes } from '../_internal/cache'
import { injectContext } from '../_internal/context'
import { useQuerySet } from '../_internal/querySet'

/** One entry of {@link useConvexQueries}: a query and its arguments, or `'skip'`. */
export interface ConvexQueriesEntry<Query extends FunctionReference<'query'> = FunctionReference<'query'>> {
  query: Query
  args: ArgsWithRefs<FunctionArgs<Query>> | 'skip'
  /** The placeholder `data` holds while this key has no result yet (`status` stays `'pending'`). */
  default?: () => FunctionReturnType<Query>
}

/** The record {@link useConvexQueries} takes: any keys, each a query with its arguments. */
export type ConvexQueriesSpec = Record<string, ConvexQueriesEntry<any>>

/** The state of one key of {@link useConvexQueries}. */
export interface ConvexQueriesResult<Result> {
  /** `'idle'` (skipped), `'pending'`, `'success'` or `'error'`. */
  status: QueryStatus
  /** The latest result, live; `undefined` until the first one. */
  data: Result | undefined
  /** The query's error (or why its input is unusable), `null` otherwise. */
  error: Error | null
}

/** Options of {@link useConvexQueries}; `server` and `subscribe` apply to every key. */
export interface UseConvexQueriesOptions extends QueryRenderOptions {
  /**
   * The client to subscribe with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
  /**
   * How long (ms) each query stays subscribed after its key is removed or this component
   * unmounts: coming back within it renders the live value at once, with no round trip.
   * @default the plugin's `keepAliveMs` (0 unless set there)
   */
  keepAliveMs?: number
  /**
   * How long (ms) each query's last value is kept after its key is removed or this component
   * unmounts: coming back within it renders that value at once (`source: 'cache'`) while it
   * subscribes again. Counted from the same moment as `keepAliveMs`.
   * @default the plugin's `gcTimeMs` (0 unless set there)
   */
  gcTimeMs?: number
  /**
   * Sets `keepAliveMs` and `gcTimeMs` at once (the single lifetime of earlier versions).
   * @deprecated use `keepAliveMs` and `gcTimeMs`
   * @default undefined
   */
  gcTime?: number
}

/** What {@link useConvexQueries} returns: a reactive record with one result per key. */
export type UseConvexQueriesReturn<Spec extends ConvexQueriesSpec> = Readonly<{
  [Key in keyof Spec]: ConvexQueriesResult<FunctionReturnType<Spec[Key]['query']>>
}>

/**
 * Subscribes to a keyed record of queries at once, like Convex's React `useQueries`. The
 * record may be a ref or getter: adding or removing a key subscribes or unsubscribes only
 * that key, and changing one key's arguments re-subscribes only that key. Each key's result
 * is reactive on its own.
 *
 * @param queries `{ [key]: { query, args } }` (args may be `'skip'`), or a ref / getter of it.
 * @param options See {@link UseConvexQueriesOptions}.
 * @example
 * const results = useConvexQueries(() => ({
 *   me: { query: api.users.me, args: {} },
 *   count: { query: api.counter.get, args: { name: 'clicks' } },
 * }))
 * results.count.data // number | undefined
 */
export function useConvexQueries<Spec extends ConvexQueriesSpec>(
  queries: MaybeRefOrGetter<Spec & { [Key in keyof Spec]: ConvexQueriesEntry<Spec[Key]['query']> }>,
  options: UseConvexQueriesOptions = {},
): UseConvexQueriesReturn<Spec> {
  const NAME = 'useConvexQueries'
  const client = resolveQueryClient(NAME, options.client)
  const lifetimes = resolveLifetimes(NAME, injectContext(), options)

  function targets(): SetTargets {
    const spec = guard(() => toValue(queries))
    if (spec instanceof Error || typeof spec !== 'object' || spec === null)
      throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `expected a record of { query, args } by key, but got ${spec instanceof Error ? spec.message : String(spec)}.`)
    const next: SetTargets = {}
    for (const [key, entry] of Object.entries(spec)) {
      next[key] = guard(() => {
        if (!entry || typeof entry !== 'object')
          throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `the entry "${key}" must be { query, args }, but got ${String(entry)}.`)
        const args = toValue(entry.args)
        if (args === 'skip')
          return null
        const target = queryTarget(NAME, entry.query, args as Record<string, unknown>, 'api.messages.list')
        return entry.default ? { ...target, placeholder: entry.default() } : target
      })
    }
    return next
  }

  // A record that is not one fails setup; if it later stops being one, no query is kept.
  const initial = guard(targets)
  if (initial instanceof Error)
    throw initial
  return useQuerySet(client, () => {
    const next = guard(targets)
    return next instanceof Error ? {} : next
  }, lifetimes, true, options).results as unknown as UseConvexQueriesReturn<Spec>
}
