import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { ConvexClientLike } from '../useConvexClient'
import { hasInjectionContext, inject } from 'vue'
import { checkPlainReference, queryTarget, resolveQueryClient } from '../_internal'
import { activeApp, holdQuery, resolveLifetimes } from '../_internal/cache'
import { serverQuery } from '../_internal/context'
import { ConvexClientKey, ConvexContextKey } from '../_internal/keys'

/** Options of {@link prefetchConvexQuery}. */
export interface PrefetchConvexQueryOptions {
  /**
   * The client to subscribe with.
   * @default the provided client inside `setup()` or a router guard, else the client of the app that installed `createConvexVue` last
   */
  client?: ConvexClientLike
  /**
   * How long (ms) the query stays subscribed if no component uses it.
   * @default the plugin's `keepAliveMs`, or 30 000 when that is 0
   */
  keepAliveMs?: number
  /**
   * How long (ms) its value is kept, counted from the prefetch (a component that comes after
   * the subscription closed renders it stale while it subscribes again).
   * @default the plugin's `gcTimeMs`
   */
  gcTimeMs?: number
  /**
   * Sets `keepAliveMs` and `gcTimeMs` at once.
   * @deprecated use `keepAliveMs`
   * @default undefined
   */
  gcTime?: number
}

/** How long a prefetched query waits for its component when the plugin keeps none. */
const PREFETCH_GC_TIME = 30_000

// Arguments may be omitted exactly when every one is optional.
// eslint-disable-next-line ts/no-empty-object-type
type PrefetchArgs<Query extends FunctionReference<'query'>> = {} extends FunctionArgs<Query>
  ? [args?: FunctionArgs<Query>, options?: PrefetchConvexQueryOptions]
  : [args: FunctionArgs<Query>, options?: PrefetchConvexQueryOptions]

/**
 * Subscribes to a query before a component needs it — on hover, in a router guard — and keeps
 * it live for `keepAliveMs`, so the component that then calls `useConvexQuery` with the same query
 * and arguments renders its result at once. Resolves with the first result (rejects with the
 * query's error); on the server it fetches once and keeps the result for hydration.
 *
 * @example
 * <RouterLink :to="`/channels/${id}`" @mouseenter="prefetchConvexQuery(api.messages.list, { channel: id })" />
 */
export function prefetchConvexQuery<Query extends FunctionReference<'query'>>(
  query: Query,
  ...[args = {} as FunctionArgs<Query>, options = {}]: PrefetchArgs<Query>
): Promise<FunctionReturnType<Query>> {
  const NAME = 'prefetchConvexQuery'
  checkPlainReference(NAME, query, 'api.messages.list')
  const injected = hasInjectionContext()
  const active = activeApp.current
  // Inside setup or a router guard the provided client; in an event handler, the active app's.
  const client = resolveQueryClient(NAME, options.client ?? (injected ? inject(ConvexClientKey, null) : null) ?? active?.client)
  const context = (injected ? inject(ConvexContextKey, null) : null) ?? (active && client === active.client ? active.context : null)
  const lifetimes = resolveLifetimes(NAME, context, options)
  const target = queryTarget(NAME, query, args, 'api.messages.list')
  if (typeof client.onUpdate !== 'function')
    return serverQuery(client, context, target.reference, target.args, target.key)
  const keepAlive = options.keepAliveMs ?? options.gcTime ?? (lifetimes.keepAlive || PREFETCH_GC_TIME)
  return holdQuery(client, context, { keepAlive, gcTime: lifetimes.gcTime }, target.reference, target.args, target.key) as Promise<FunctionReturnType<Query>>
}
