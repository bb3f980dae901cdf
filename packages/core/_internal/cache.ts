// The query cache, with two lifetimes apart:
// - `keepAlive`: a live query whose last reader left stays subscribed this long, so a reader
//   that comes back renders at once from the client's value (which stayed live), with no
//   round trip;
// - `gcTime`: the query's last value is kept this long (counted from the same moment), so a
//   reader that comes back after the subscription closed renders it at once, marked stale,
//   while it subscribes again.
// Both are bounded by a number of idle entries (least recently used dropped first), never kept
// on the server (a server render keeps nothing between requests) and emptied on any auth
// change. The Convex client shares one server subscription per query and arguments, so holding
// one is holding it for everybody.
//
// What a reader of the cache needs (useConvexQuery, the query set, a router loader):
// `subscribeCached` opens a reader's subscription and hands back what is known at once besides
// the client's own value (`known`: a kept or persisted value, with its source and age);
// `holdQuery` subscribes with no reader (prefetching); `cacheEntries` lists what is idle.
import type { FunctionReference } from 'convex/server'
import type { ConvexClientLike, ConvexContext, QuerySource } from './types'
import { getFunctionName } from 'convex/server'
import { usageError } from './args'
import { trackQuery } from './devtoolsRegistry'

export type { CacheSettings, QuerySource } from './types'

/** How long a query outlives its last reader: subscribed (`keepAlive`) and its value kept (`gcTime`), in ms. */
export interface Lifetimes {
  keepAlive: number
  gcTime: number
}

/** A value known before the live one: kept by the cache after its subscription closed, or persisted. */
export interface KnownValue {
  value: unknown
  source: Exclude<QuerySource, 'live' | 'ssr' | 'optimistic'>
  /** When the value was received from the server (ms since the epoch). */
  at: number
}

/** What a subscription made through the cache hands back. */
export interface CachedSubscription {
  /** The client's subscription object (`getCurrentValue()`), as `client.onUpdate` returned it. */
  subscription: any
  /** Ends this reader's subscription; the query outlives it as its lifetimes say if it was the last. */
  unsubscribe: () => void
  /** A value to show until the live one arrives (the client has none yet): kept or persisted. */
  known?: KnownValue
}

/** An idle entry of the cache, as devtools show it. */
export interface CacheEntry {
  key: string
  /** `true`: still subscribed (within `keepAlive`); `false`: only its last value is kept. */
  subscribed: boolean
  /** When its value was received (absent while a held query has none yet). */
  at?: number
}

/** Something kept for a while: a holding subscription, a last value, or a list's pages. */
interface Kept {
  /** Ends what it keeps (unsubscribes a holder; a holder's last value moves to `values`). */
  release: () => void
  timer?: ReturnType<typeof setTimeout>
  value?: unknown
  at?: number
}

interface ClientCache {
  /** Readers per key, among those that keep the query after they leave. */
  consumers: Map<string, number>
  /** Queries held subscribed with no reader, least recently used first. */
  held: Map<string, Kept>
  /** Last values of queries no longer subscribed, least recently used first. */
  values: Map<string, Kept>
  /** Kept state of other kinds (a paginated list's pages), by key, with the `keepAlive` lifetime. */
  kept: Map<string, Kept>
}

/**
 * In the browser, the app that installed `createConvexVue` last: `prefetchConvexQuery` called
 * from an event handler (no injection context) uses its client, as Pinia's active store does.
 */
export const activeApp: { current?: { client: ConvexClientLike, context: ConvexContext } } = {}

const DEFAULT_MAX_IDLE = 100
/** The longest `setTimeout` waits; a longer lifetime is clamped to it (`Infinity`: no timer). */
const MAX_TIMER = 2 ** 31 - 1
/** Nothing is kept while rendering on the server: one request's data never reaches another's. */
const onServer = typeof window === 'undefined'
const NONE: Lifetimes = Object.freeze({ keepAlive: 0, gcTime: 0 })
const caches = new WeakMap<object, ClientCache>()
function noop() {}

function cacheOf(client: ConvexClientLike): ClientCache {
  let cache = caches.get(client)
  if (!cache)
    caches.set(client, cache = { consumers: new Map(), held: new Map(), values: new Map(), kept: new Map() })
  return cache
}

/** Throws unless `ms` is a time in ms (0 or more; `Infinity` allowed); `name` is the option's. */
export function checkLifetime(caller: string, ms: unknown, name = 'gcTime'): void {
  if (typeof ms !== 'number' || !(ms >= 0))
    throw usageError(7, caller, process.env.NODE_ENV !== 'production' && `${name} is how long (ms) to keep a query after its last user leaves: 0 or more (Infinity allowed), got ${String(ms)}.`)
}

/** @deprecated kept for callers of the single lifetime: {@link checkLifetime}. */
export const checkGcTime = (caller: string, gcTime: unknown): void => checkLifetime(caller, gcTime)

/** A query's own lifetime options (`gcTime`: both at once, as before they were apart). */
export interface LifetimeOptions {
  keepAliveMs?: number
  gcTimeMs?: number
  gcTime?: number
}

/**
 * The lifetimes a query uses: its own options, else the plugin's, else 0 (nothing kept). The
 * older `gcTime` sets both (it kept the query subscribed, which keeps its value too).
 */
export function resolveLifetimes(caller: string, context: ConvexContext | null, own: LifetimeOptions = {}): Lifetimes {
  const { keepAliveMs, gcTimeMs, gcTime } = own
  if (keepAliveMs === undefined && gcTimeMs === undefined && gcTime === undefined)
    return context?.cache ?? NONE
  for (const [name, ms] of [['keepAliveMs', keepAliveMs], ['gcTimeMs', gcTimeMs], ['gcTime', gcTime]] as const) {
    if (ms !== undefined)
      checkLifetime(caller, ms, name)
  }
  return {
    keepAlive: keepAliveMs ?? gcTime ?? context?.cache?.keepAlive ?? 0,
    gcTime: gcTimeMs ?? gcTime ?? context?.cache?.gcTime ?? 0,
  }
}

/** A timer for `ms` (clamped to what `setTimeout` can wait), none for `Infinity` (until evicted). */
function after(ms: number, run: () => void): ReturnType<typeof setTimeout> | undefined {
  return ms === Infinity ? undefined : setTimeout(run, Math.min(ms, MAX_TIMER))
}

function unsubscribeOf(subscription: any): () => void {
  return typeof subscription === 'function' ? subscription : (subscription?.unsubscribe?.bind(subscription) ?? noop)
}

/** The client's current value of a subscription, `undefined` when it has none (or an error). */
function currentValue(subscription: any): unknown {
  try {
    return subscription?.getCurrentValue?.()
  }
  catch {
    return undefined
  }
}

/** Takes `key` out of `map` (its timer too) and returns it; the caller releases it or not. */
function remove(map: Map<string, Kept>, key: string): Kept | undefined {
  const entry = map.get(key)
  if (entry) {
    map.delete(key)
    clearTimeout(entry.timer)
  }
  return entry
}

/**
 * Keeps `entry` under `key` for `ms`, as the most recently used; it replaces (and releases) an
 * older entry of the same key, and the least recently used entries go when there are more
 * than `maxIdle`.
 */
function put(map: Map<string, Kept>, context: ConvexContext | null, key: string, entry: Kept, ms: number): void {
  const previous = remove(map, key)
  entry.timer = after(ms, () => {
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

/** Keeps the last `value` of `key` for `ms` with no subscription. */
function keepValue(cache: ClientCache, context: ConvexContext | null, key: string, value: unknown, at: number, ms: number): void {
  if (value !== undefined && ms > 0)
    put(cache.values, context, key, { release: noop, value, at }, ms)
}

/**
 * Holds a subscription to `key` (made by `subscribe`, which gets a callback for its values) for
 * `lifetimes.keepAlive`; when it ends, its last value is kept for what is left of `lifetimes.gcTime`.
 */
function hold(client: ConvexClientLike, context: ConvexContext | null, key: string, lifetimes: Lifetimes, at: number | undefined, subscribe: (onValue: () => void) => any, known?: KnownValue): void {
  const cache = cacheOf(client)
  const left = Date.now()
  const entry: Kept & { subscription?: any } = {
    at,
    release() {
      const value = currentValue(entry.subscription)
      unsubscribeOf(entry.subscription)()
      // Ended before its first value: the value it was shown with stays (a kept or persisted one).
      if (!(client as { closed?: boolean }).closed)
        keepValue(cache, context, key, value ?? known?.value, (value === undefined ? known?.at : entry.at) ?? Date.now(), lifetimes.gcTime - (Date.now() - left))
    },
  }
  entry.subscription = subscribe(() => {
    entry.at = Date.now()
  })
  put(cache.held, context, key, entry, lifetimes.keepAlive)
}

/** Wraps a reader's callbacks so devtools record its updates; returns how to record its end. */
function tracked(client: ConvexClientLike, context: ConvexContext | null, reference: FunctionReference<'query'>, args: unknown, key: string, callbacks: { onValue: (value: any) => void, onError: (error: Error) => void }): (() => void) | undefined {
  if (process.env.NODE_ENV !== 'production' && context?.devtools) {
    const track = trackQuery(context.devtools, key, getFunctionName(reference), args, client)
    const { onValue, onError } = callbacks
    callbacks.onValue = (v) => {
      track.value(v)
      onValue(v)
    }
    callbacks.onError = (e) => {
      track.error(e)
      onError(e)
    }
    return track.end
  }
}

/**
 * `client.onUpdate` for a reader whose query outlives it by `lifetimes` (zero: it ends with
 * the reader, as `client.onUpdate` does). A value kept by the cache or persisted for `key`
 * comes back as `known`, for the reader to show (stale) until the live one arrives.
 */
export function subscribeCached(
  client: ConvexClientLike,
  context: ConvexContext | null,
  lifetimes: Lifetimes,
  reference: FunctionReference<'query'>,
  args: unknown,
  key: string,
  onValue: (value: any) => void,
  onError: (error: Error) => void,
  /** `false`: the persisted cache neither reads nor writes this query. */
  persistable = true,
): CachedSubscription {
  const callbacks = { onValue, onError }
  // Devtools first: without them (and in production) the environment is never read per query.
  let end = context?.devtools ? tracked(client, context, reference, args, key, callbacks) : undefined
  const persisted = persistable ? context?.persist : undefined
  const persist = persisted?.live(key)
  const { keepAlive, gcTime } = onServer ? NONE : lifetimes
  const kept = keepAlive > 0 || gcTime > 0
  // The age of the value it leaves behind: when the last one arrived.
  let at: number | undefined
  if (persist || kept) {
    const deliver = callbacks.onValue
    callbacks.onValue = (v) => {
      at = Date.now()
      persist?.value(v)
      deliver(v)
    }
  }
  const subscription = client.onUpdate!(reference, args, callbacks.onValue, callbacks.onError)
  persist?.attach(subscription)
  const ended = unsubscribeOf(subscription)
  const unsubscribe = end || persist
    ? () => {
        end?.()
        end = undefined
        persist?.end()
        ended()
      }
    : ended
  // Back before the query was dropped: this reader holds it now (it subscribed first, so the
  // server subscription never ended), and its own lifetimes apply when it leaves.
  const existing = caches.get(client)
  let known: KnownValue | undefined
  if (existing) {
    if (existing.held.size)
      remove(existing.held, key)?.release()
    const value = existing.values.size ? remove(existing.values, key) : undefined
    if (value)
      known = { value: value.value, source: 'cache', at: value.at! }
  }
  if (!known && persisted) {
    const restored = persisted.read(key)
    if (restored)
      known = { value: restored.value, source: 'persisted', at: restored.at }
  }
  if (!kept)
    return { subscription, unsubscribe, known }
  at ??= known?.at
  const cache = existing ?? cacheOf(client)
  cache.consumers.set(key, (cache.consumers.get(key) ?? 0) + 1)
  let done = false
  return {
    subscription,
    known,
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
        // A closed client (as when the app unmounts) keeps nothing.
        if (!(client as { closed?: boolean }).closed) {
          // A holder subscribes before this reader leaves, so the query never drops.
          if (keepAlive) {
            hold(client, context, key, lifetimes, at, onValue => client.onUpdate!(reference, args, onValue, noop), known)
          }
          else {
            // Left before its live value: the value it was shown with stays (kept or persisted).
            const value = currentValue(subscription)
            keepValue(cache, context, key, value ?? known?.value, (value === undefined ? known?.at : at) ?? Date.now(), gcTime)
          }
        }
      }
      unsubscribe()
    },
  }
}

/**
 * Subscribes to a query with no reader (prefetching); resolves with its first result, and
 * holds it for `lifetimes.keepAlive` from then (a slow first result is never dropped unseen).
 */
export function holdQuery(
  client: ConvexClientLike,
  context: ConvexContext | null,
  lifetimes: Lifetimes,
  reference: FunctionReference<'query'>,
  args: unknown,
  key: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const state: { settled?: boolean, subscription?: any } = {}
    const settle = <T>(done: (v: T) => void) => (v: T) => {
      if (!state.settled) {
        state.settled = true
        if (onServer)
          unsubscribeOf(state.subscription)()
        else
          hold(client, context, key, lifetimes, Date.now(), () => state.subscription)
      }
      done(v)
    }
    state.subscription = client.onUpdate!(reference, args, settle(resolve), settle(reject))
    try {
      const current = state.subscription?.getCurrentValue?.()
      if (current !== undefined)
        settle(resolve)(current)
    }
    catch (e) {
      settle(reject)(e)
    }
  })
}

/** Keeps `value` under `key` for `keepAlive` (a paginated list's pages); `take` hands it out once. */
export function keep(client: ConvexClientLike, context: ConvexContext | null, key: string, value: unknown, keepAlive: number): void {
  if (!onServer)
    put(cacheOf(client).kept, context, key, { value, release: noop }, keepAlive)
}

/** The value kept under `key`, removed from the cache (so two users never share it). */
export function take(client: ConvexClientLike, key: string): unknown {
  const kept = caches.get(client)?.kept
  return kept && remove(kept, key)?.value
}

/**
 * Drops everything the cache holds for `client` (on any auth change: nothing of one user is
 * kept for another). Persisted values follow the signed-in identity on their own (persist.ts).
 */
export function clearCache(client: ConvexClientLike): void {
  const cache = caches.get(client)
  if (cache) {
    for (const map of [cache.held, cache.kept]) {
      for (const key of [...map.keys()])
        remove(map, key)!.release()
    }
    // Released holders moved their values here.
    for (const key of [...cache.values.keys()])
      remove(cache.values, key)
  }
}

/** How many queries the cache holds subscribed with no reader (for tests and devtools). */
export function heldQueries(client: ConvexClientLike): string[] {
  return [...(caches.get(client)?.held.keys() ?? [])]
}

/** The idle entries of the cache: held subscriptions, then kept values (for devtools). */
export function cacheEntries(client: ConvexClientLike): CacheEntry[] {
  const cache = caches.get(client)
  if (!cache)
    return []
  return [
    ...[...cache.held].map(([key, kept]) => ({ key, subscribed: true, at: kept.at })),
    ...[...cache.values].map(([key, kept]) => ({ key, subscribed: false, at: kept.at })),
  ]
}
