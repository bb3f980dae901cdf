// How one query of a composable loads, by its rendering options (`server`, `subscribe`):
// live, fetched once, or left for the browser. useConvexQuery and the query set (so
// useConvexQueries and useConvexPaginatedQuery) share it.
import type { FunctionReference } from 'convex/server'
import type { Lifetimes } from './cache'
import type { ConvexContext } from './context'
import type { ConvexClientLike, QuerySource } from './types'
import { watch } from 'vue'
import { toError, usageError } from './args'
import { subscribeCached } from './cache'
import { deliverKnown, serverQuery, takeRendered } from './context'
import { noteKnown } from './devtoolsRegistry'

/** The rendering options a query composable takes, as Nuxt's `useAsyncData` names them. */
export interface QueryRenderOptions {
  /**
   * Fetch the query while rendering on the server. `false`: the server renders it pending
   * (its `default`, if any) and the browser loads it after hydration.
   * @default true
   */
  server?: boolean
  /**
   * Keep the query live. `false`: its result is fetched once (over HTTP, with the signed-in
   * user's token) and never updates, and no subscription is opened; a result rendered on the
   * server is used as it is. New arguments fetch again.
   * @default true
   */
  subscribe?: boolean
}

/** One query to load: what to call, and the keys its live and server-rendered results go by. */
export interface LoadTarget {
  reference: FunctionReference<'query'>
  args: unknown
  key: string
  /** The key its server-rendered result goes by, when it differs from `key`. */
  ssrKey?: string
  /** `false`: the persisted cache neither reads nor writes it. */
  persist?: boolean
}

/**
 * What {@link loadQuery} reports through: `onValue` / `onError` as results come; a value known
 * before the live one goes to `onKnown` with its source (`ssr`, `cache`, `persisted`), or to
 * `onValue` when there is no `onKnown`.
 */
export interface LoadCallbacks {
  onValue: (value: any) => void
  onError: (error: Error) => void
  onKnown?: (value: any, source: QuerySource) => void
}

/**
 * Starts loading a query as its options say and returns how to stop (a live query
 * unsubscribes; a one-shot fetch is ignored when it answers). On the server (`live` false)
 * it returns the fetch to wait for in `onServerPrefetch`, or nothing with `server: false`.
 */
export function loadQuery(
  client: ConvexClientLike,
  context: ConvexContext | null,
  options: QueryRenderOptions,
  lifetimes: Lifetimes,
  target: LoadTarget,
  { onValue, onError, onKnown = onValue }: LoadCallbacks,
): { stop?: () => void, fetched?: Promise<unknown> } {
  const live = typeof client.onUpdate === 'function'
  const rendered = options.server !== false
  if (!live) {
    if (!rendered)
      return {} // for the browser: pending in the server's HTML, as in the hydrating render
    return { fetched: serverQuery(client, context, target.reference, target.args, target.ssrKey ?? target.key).then(onValue, onError) }
  }
  if (options.subscribe === false) {
    let current = true
    const known = rendered ? takeRendered(context, target.ssrKey ?? target.key) : { found: false }
    if (known.error)
      onError(known.error)
    else if (known.found)
      onKnown(known.value, 'ssr')
    else
      fetchOnce(client, context, target.reference, target.args).then(v => current && onValue(v), e => current && onError(toError(e)))
    return { stop: () => void (current = false) }
  }
  let knownAt: number | undefined
  // Devtools first: without them (and in production) the environment is never read per query.
  if (context?.devtools)
    onKnown = noted(context.devtools, target.key, onKnown, () => knownAt)
  const { subscription, unsubscribe, known } = subscribeCached(client, context, lifetimes, target.reference, target.args, target.key, onValue, onError, target.persist)
  // A result already in the client (another component subscribed) or rendered on the server
  // shows at once, else one the cache kept or persisted (stale); a query the server left to
  // the browser takes only the client's.
  knownAt = known?.at
  deliverKnown(subscription, rendered ? context : null, target.ssrKey ?? target.key, onValue, onError, known, onKnown)
  return { stop: unsubscribe }
}

/** `onKnown`, recording each known value in devtools (development only). */
function noted(registry: NonNullable<ConvexContext['devtools']>, key: string, shown: (value: any, source: QuerySource) => void, knownAt: () => number | undefined): (value: any, source: QuerySource) => void {
  if (process.env.NODE_ENV === 'production')
    return shown
  return (value, source) => {
    noteKnown(registry, key, value, source, source === 'ssr' ? undefined : knownAt())
    shown(value, source)
  }
}

/** The deployment URL a `ConvexClient` talks to (`undefined` for a client without one). */
export function deploymentUrl(client: ConvexClientLike): string | undefined {
  try {
    const self = client as { url?: unknown, client?: { url?: unknown } }
    const url = self.url ?? self.client?.url
    return typeof url === 'string' ? url : undefined
  }
  catch {
    return undefined // a disabled ConvexClient
  }
}

/** Settles once the plugin's auth is no longer loading. */
function authSettled(context: ConvexContext | null): Promise<void> {
  if (!context?.auth.isLoading)
    return Promise.resolve()
  return new Promise((resolve) => {
    const stop = watch(() => context.auth.isLoading, (loading) => {
      if (!loading) {
        stop()
        resolve()
      }
    }, { flush: 'sync' })
  })
}

/**
 * One HTTP call of a query, as the signed-in user (once the plugin knows who that is): a
 * `ConvexClient`'s `query()` would open a subscription for it. Loaded on first use, so apps
 * that never fetch once do not ship the HTTP client.
 */
async function fetchOnce(client: ConvexClientLike, context: ConvexContext | null, reference: FunctionReference<'query'>, args: unknown): Promise<unknown> {
  const url = deploymentUrl(client)
  if (!url) {
    if (typeof client.query === 'function')
      return client.query(reference, args)
    throw usageError(3, 'subscribe: false', process.env.NODE_ENV !== 'production' && 'the client has no deployment URL to fetch from and no query(). Pass a ConvexClient.')
  }
  await authSettled(context)
  const token = context?.auth.isAuthenticated ? await context.auth.fetchToken?.({ forceRefreshToken: false }) : null
  const { ConvexHttpClient } = await import('convex/browser')
  const http = new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true })
  if (token)
    http.setAuth(token)
  return http.query(reference, args as never)
}
