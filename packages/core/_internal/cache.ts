// The query cache: a live query whose last consumer left stays subscribed for `gcTime`, so a
// component that comes back renders at once from the client's value (which stayed live), with
// no round trip. Bounded by a number of idle queries (least recently used dropped first) and
// emptied on any auth change. The Convex client shares one server subscription per query and
// arguments, so holding one is holding it for everybody.
import type { FunctionReference } from 'convex/server'
import type { ConvexClientLike, ConvexContext } from './types'
import { getFunctionName } from 'convex/server'
import { usageError } from './args'
import { trackQuery } from './devtoolsRegistry'

export type { CacheSettings } from './types'

/** What a subscription made through the cache hands back. */
export interface CachedSubscription {
  /** The client's subscription object (`getCurrentValue()`), as `client.onUpdate` returned it. */
  subscription: any
  /** Ends this consumer's subscription; the query stays held for `gcTime` if it was the last. */
  unsubscribe: () => void
}

/** Something kept for `gcTime`: a holding subscription, or state such as a list's pages. */
interface Kept {
  /** Ends what it keeps (unsubscribes a holder). */
  release: () => void
  timer?: ReturnType<typeof setTimeout>
}

interface ClientCache {
  /** Consumers per key, among those that keep the query after they leave. */
  consumers: Map<string, number>
  /** Queries held with no consumer, least recently used first. */
  held: Map<string, Kept>
  /** Kept state of other kinds (a paginated list's pages), by key, with the same lifetime. */
  kept: Map<string, Kept & { value: unknown }>
}

/**
 * In the browser, the app that installed `createConvexVue` last: `prefetchConvexQuery` called
 * from an event handler (no injection context) uses its client, as Pinia's active store does.
 */
export const activeApp: { current?: { client: ConvexClientLike, context: ConvexContext } } = {}

const DEFAULT_MAX_IDLE = 100
const caches = new WeakMap<object, ClientCache>()
function noop() {}

function cacheOf(client: ConvexClientLike): ClientCache {
  let cache = caches.get(client)
  if (!cache)
    caches.set(client, cache = { consumers: new Map(), held: new Map(), kept: new Map() })
  return cache
}

/** Throws unless `gcTime` is a time in ms (0 or more; `Infinity` allowed). */
export function checkGcTime(caller: string, gcTime: unknown): void {
  if (typeof gcTime !== 'number' || !(gcTime >= 0))
    throw usageError(7, caller, process.env.NODE_ENV !== 'production' && `gcTime is how long (ms) to keep a query after its last user leaves: 0 or more (Infinity allowed), got ${String(gcTime)}.`)
}

/** The `gcTime` a query uses: its own option, else the plugin's, else 0 (no cache). */
export function resolveGcTime(caller: string, context: ConvexContext | null, own: number | undefined): number {
  if (own === undefined)
    return context?.cache?.gcTime ?? 0
  checkGcTime(caller, own)
  return own
}

/** A timer for `ms`, none for ms beyond what `setTimeout` can wait (`Infinity`: until evicted). */
function after(ms: number, run: () => void): ReturnType<typeof setTimeout> | undefined {
  return ms <= 2 ** 31 - 1 ? setTimeout(run, ms) : undefined
}

function unsubscribeOf(subscription: any): () => void {
  return typeof subscription === 'function' ? subscription : (subscription?.unsubscribe?.bind(subscription) ?? noop)
}

/** Takes `key` out of `map` (its timer too) and returns it; the caller releases it or not. */
function remove<Entry extends Kept>(map: Map<string, Entry>, key: string): Entry | undefined {
  const entry = map.get(key)
  if (entry) {
    map.delete(key)
    clearTimeout(entry.timer)
  }
  return entry
}

/**
 * Keeps `entry` under `key` for `gcTime`, as the most recently used; it replaces (and
 * releases) an older entry of the same key, and the least recently used entries go when there
 * are more than `maxIdle`.
 */
function put<Entry extends Kept>(map: Map<string, Entry>, context: ConvexContext | null, key: string, entry: Entry, gcTime: number): void {
  const previous = remove(map, key)
  entry.timer = after(gcTime, () => {
    if (map.get(key) === entry)
      remove(map, key)!.release()
  })
  map.set(key, entry)
  previous?.release()
  const maxIdle = context?.cache?.maxIdle ?? DEFAULT_MAX_IDLE
  for (const oldest of map.keys()) {
    if (map.size <= maxIdle)
      break
    remove(map, oldest)!.release()
  }
}

/** Holds `release` (a subscription to `key`) for `gcTime`. */
function hold(client: ConvexClientLike, context: ConvexContext | null, key: string, release: () => void, gcTime: number): void {
  put(cacheOf(client).held, context, key, { release }, gcTime)
}

/**
 * `client.onUpdate` for a consumer that keeps the query `gcTime` ms after it leaves (0: it ends
 * with the consumer, as `client.onUpdate` does).
 */
export function subscribeCached(
  client: ConvexClientLike,
  context: ConvexContext | null,
  gcTime: number,
  reference: FunctionReference<'query'>,
  args: unknown,
  key: string,
  onValue: (value: any) => void,
  onError: (error: Error) => void,
): CachedSubscription {
  let end: (() => void) | undefined
  if (process.env.NODE_ENV !== 'production' && context?.devtools) {
    const track = trackQuery(context.devtools, key, getFunctionName(reference), args)
    const [value, error] = [onValue, onError]
    onValue = (v) => {
      track.value(v)
      value(v)
    }
    onError = (e) => {
      track.error(e)
      error(e)
    }
    end = track.end
  }
  const subscription = client.onUpdate!(reference, args, onValue, onError)
  const ended = unsubscribeOf(subscription)
  const unsubscribe = end
    ? () => {
        end!()
        end = undefined
        ended()
      }
    : ended
  // Back before the query was dropped: this consumer holds it now (it subscribed first, so the
  // server subscription never ended), and its own gcTime applies when it leaves.
  const existing = caches.get(client)
  if (existing?.held.size)
    remove(existing.held, key)?.release()
  if (!gcTime)
    return { subscription, unsubscribe }
  const cache = existing ?? cacheOf(client)
  cache.consumers.set(key, (cache.consumers.get(key) ?? 0) + 1)
  let done = false
  return {
    subscription,
    unsubscribe() {
      if (done)
        return
      done = true
      const left = (cache.consumers.get(key) ?? 1) - 1
      if (left > 0) {
        cache.consumers.set(key, left)
      }
      else {
        cache.consumers.delete(key)
        // A holder subscribes before this consumer leaves, so the query never drops (a closed
        // client, as when the app unmounts, keeps nothing).
        if (!(client as { closed?: boolean }).closed)
          hold(client, context, key, unsubscribeOf(client.onUpdate!(reference, args, noop, noop)), gcTime)
      }
      unsubscribe()
    },
  }
}

/**
 * Subscribes to a query with no consumer and holds it for `gcTime` (prefetching); resolves
 * with its first result.
 */
export function holdQuery(
  client: ConvexClientLike,
  context: ConvexContext | null,
  gcTime: number,
  reference: FunctionReference<'query'>,
  args: unknown,
  key: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const subscription = client.onUpdate!(reference, args, resolve, reject)
    hold(client, context, key, unsubscribeOf(subscription), gcTime)
    try {
      const current = subscription?.getCurrentValue?.()
      if (current !== undefined)
        resolve(current)
    }
    catch (e) {
      reject(e)
    }
  })
}

/** Keeps `value` under `key` for `gcTime` (a paginated list's pages); `take` hands it out once. */
export function keep(client: ConvexClientLike, context: ConvexContext | null, key: string, value: unknown, gcTime: number): void {
  put(cacheOf(client).kept, context, key, { value, release: noop }, gcTime)
}

/** The value kept under `key`, removed from the cache (so two users never share it). */
export function take(client: ConvexClientLike, key: string): unknown {
  const kept = caches.get(client)?.kept
  return kept && remove(kept, key)?.value
}

/** Drops everything the cache holds for `client` (on any auth change: nothing of one user is kept for another). */
export function clearCache(client: ConvexClientLike): void {
  const cache = caches.get(client)
  for (const map of cache ? [cache.held, cache.kept] : []) {
    for (const key of [...map.keys()])
      remove(map, key)!.release()
  }
}

/** How many queries the cache holds with no consumer (for tests and devtools). */
export function heldQueries(client: ConvexClientLike): string[] {
  return [...(caches.get(client)?.held.keys() ?? [])]
}
