// A Convex query as a Vue Router data loader: a thin layer over vue-router's basic loader
// (`defineBasicLoader`), which keeps the navigation's part (staging, commit, lazy, errors, SSR
// waiting); this file adds what a live query needs: one subscription per arguments, handed from
// navigation to navigation, dropped when a navigation is aborted or leaves the page, and writing
// every push from Convex into the loader's data.
import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router'
import type { DataLoaderEntryBase, UseDataLoader } from 'vue-router/experimental'
import type { Lifetimes } from '../_internal/cache'
import type { ConvexClientLike } from '../_internal/types'
import { defineBasicLoader, getCurrentContext } from 'vue-router/experimental'
import { checkPlainReference, onClientClose, queryTarget, resolveQueryClient, usageError } from '../_internal'
import { resolveLifetimes } from '../_internal/cache'
import { injectContext } from '../_internal/context'
import { loadQuery } from '../_internal/once'

/** Options of {@link defineConvexLoader}. */
export interface DefineConvexLoaderOptions {
  /**
   * The client to subscribe with, instead of the provided one.
   * @default the client provided by `createConvexVue` (or the Nuxt module)
   */
  client?: ConvexClientLike
  /**
   * How long (ms) the query stays subscribed after the loader lets it go (its page was left, its
   * arguments changed or its navigation was aborted), so that coming back within it shows the
   * live value at once, with no round trip (see `createConvexVue`'s `keepAliveMs`).
   * @default the plugin's `keepAliveMs` (0 unless set there)
   */
  keepAliveMs?: number
  /**
   * Do not hold the navigation for the query: the page shows at once, with `data` `undefined`
   * (or the previous page's value) and `isLoading` `true` until the first result. A function
   * decides per navigation: `(to, from) => boolean`.
   * @default false
   */
  lazy?: boolean | ((to: RouteLocationNormalizedLoaded, from?: RouteLocationNormalizedLoaded) => boolean)
  /**
   * Load the query while rendering on the server (its result travels with the page, and the
   * first navigation in the browser uses it). `false`: the browser loads it.
   * @default true
   */
  server?: boolean
  /**
   * When the first result is shown: `'after-load'` once every loader of the navigation has
   * its data (all pages change at once), `'immediate'` as soon as this one has it.
   * @default 'after-load'
   */
  commit?: 'immediate' | 'after-load'
  /**
   * Errors that do not abort the navigation (the page shows with `error` set): `true` for the
   * `DataLoaderPlugin`'s `errors`, a list of error classes, or a function that says which.
   * @default false (any error of the first result aborts the navigation)
   */
  errors?: boolean | Array<new (...args: any[]) => any> | ((reason?: unknown) => boolean)
}

/** Options of a loader whose `data` is always defined: it never skips, waits and aborts on error. */
export interface DefineConvexLoaderOptions_DefinedData extends DefineConvexLoaderOptions {
  lazy?: false
  server?: true
  errors?: false
}

/**
 * What {@link defineConvexLoader} returns: a Vue Router data loader. Export it from the page
 * (or list it in the route's `meta.loaders`); call it in the page's setup for
 * `{ data, error, isLoading, reload }`, where `data` is live.
 */
export interface UseConvexLoader<Data> extends UseDataLoader<Data, Error> {}

/** The arguments of a loader's query for a route, or `'skip'` to load nothing for it. */
export type ConvexLoaderArgs<Query extends FunctionReference<'query'>, Route = RouteLocationNormalizedLoaded> = (route: Route) => FunctionArgs<Query> | 'skip'

/** One subscription of a loader, for one set of arguments. */
interface Subscription {
  key: string
  /** The latest result, once there is one. */
  result?: { value: unknown } | { error: Error }
  /** Loads waiting for the first result. */
  waiters: Set<{ resolve: (value: unknown) => void, reject: (error: unknown) => void }>
  /** Unsubscribes (the cache keeps the query subscribed for `keepAliveMs`). */
  stop: () => void
}

/** A loader's subscriptions in one app (one router): the committed one, and the navigation's. */
interface LoaderState {
  entry: DataLoaderEntryBase
  /** The subscription whose results the page shows (`null`: skipped or none yet). */
  live: Subscription | null
  /** What the latest load chose for `stagedTo`: a subscription, `null` (skip), or nothing yet. */
  staged?: Subscription | null
  stagedTo: RouteLocationNormalizedLoaded | null
  /** The last route this loader loaded for. */
  loadedFor: RouteLocationNormalizedLoaded | null
}

/**
 * Defines a Vue Router data loader (`vue-router/experimental`) for a Convex query: the page's
 * query loads before the navigation ends, in parallel with its other loaders, and its `data`
 * stays live afterwards. New arguments for a route subscribe anew and unsubscribe the old ones
 * once the navigation is done; an aborted navigation unsubscribes what it opened. The first
 * navigation in the browser takes the server-rendered result, with no round trip.
 *
 * `args` gives the query's arguments for the route (or `'skip'`).
 * @example
 * export const useChannelMessages = defineConvexLoader(api.messages.list, route => ({ channel: route.params.id as string }))
 */
export function defineConvexLoader<Query extends FunctionReference<'query'>, Route = RouteLocationNormalizedLoaded>(
  query: Query,
  args: (route: Route) => FunctionArgs<Query>,
  options?: DefineConvexLoaderOptions_DefinedData,
): UseConvexLoader<FunctionReturnType<Query>>
export function defineConvexLoader<Query extends FunctionReference<'query'>, Route = RouteLocationNormalizedLoaded>(
  query: Query,
  args: ConvexLoaderArgs<Query, Route>,
  options?: DefineConvexLoaderOptions,
): UseConvexLoader<FunctionReturnType<Query> | undefined>
export function defineConvexLoader(
  query: FunctionReference<'query'>,
  args: ConvexLoaderArgs<FunctionReference<'query'>, any>,
  options: DefineConvexLoaderOptions = {},
): UseConvexLoader<unknown> {
  const NAME = 'defineConvexLoader'
  const name = checkPlainReference(NAME, query, 'api.messages.list')
  if (typeof args !== 'function')
    throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `expected a function of the route that returns the query's arguments (or 'skip'), such as route => ({ id: route.params.id }), but got ${String(args)}.`)
  const { client: explicit, keepAliveMs, lazy = false, server = true, commit = 'after-load', errors = false } = options
  const states = new WeakMap<DataLoaderEntryBase, LoaderState>()

  /** Runs inside the basic loader's `load()`, which set the loader context just before. */
  async function load(to: RouteLocationNormalizedLoaded, { signal }: { signal: AbortSignal | undefined }): Promise<unknown> {
    const [entry, router] = getCurrentContext()
    if (!entry || !router)
      throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && 'the loader ran outside a navigation. Install DataLoaderPlugin before the router: app.use(DataLoaderPlugin, { router }).use(router).')
    const client = resolveQueryClient(NAME, explicit)
    const context = injectContext()
    const lifetimes = resolveLifetimes(NAME, context, { keepAliveMs })
    const state = stateOf(entry, router, context?.app)
    state.loadedFor = to
    const input = args(to)
    const target = input === 'skip' ? null : queryTarget(NAME, query, input, 'api.messages.list', name)
    // The same arguments as what is shown (or being loaded) keep that subscription.
    const reused = target && [state.live, state.staged].find(s => s?.key === target.key)
    const subscription = target ? (reused || subscribe(client, context, lifetimes, target, state)) : null
    if (state.staged && state.staged !== subscription && state.staged !== state.live)
      state.staged.stop() // a load for other arguments that never got shown
    state.staged = subscription
    state.stagedTo = to
    if (!subscription)
      return undefined
    if (subscription !== state.live && signal) {
      signal.addEventListener('abort', () => {
        if (state.staged === subscription && state.live !== subscription) {
          state.staged = undefined
          state.stagedTo = null
          subscription.stop()
        }
      }, { once: true })
    }
    return firstResult(subscription, signal)
  }

  /** The loader's state in the app of `entry`, made on its first load. */
  function stateOf(entry: DataLoaderEntryBase, router: Router, app: { onUnmount?: (fn: () => void) => void } | undefined): LoaderState {
    const existing = states.get(entry)
    if (existing)
      return existing
    const created: LoaderState = { entry, live: null, stagedTo: null, loadedFor: null }
    states.set(entry, created)
    // The basic loader commits a navigation's data (after every loader, or at once, or when a
    // reload ends): the subscription loaded for it becomes the one the page shows.
    const commitData = entry.commit
    entry.commit = function (to) {
      const ours = this.pendingTo === to && created.stagedTo === to
      commitData.call(this, to)
      if (ours)
        promote(created)
    }
    // A navigation that did not load this loader left its page: the query is let go.
    router.afterEach((to, _from, failure) => {
      if (!failure && created.loadedFor !== to)
        release(created)
    })
    app?.onUnmount?.(() => release(created))
    return created
  }

  return defineBasicLoader(load, { lazy, server, commit, errors }) as UseConvexLoader<unknown>
}

/** The navigation's subscription becomes the one the page shows; the previous one ends. */
function promote(state: LoaderState): void {
  const next = state.staged
  state.staged = undefined
  state.stagedTo = null
  if (next === undefined)
    return
  if (state.live && state.live !== next)
    state.live.stop()
  state.live = next
  // A push that came between the first result and the commit.
  const result = next?.result
  if (result && 'value' in result)
    state.entry.data.value = result.value
}

/** Ends every subscription of the loader (its page was left, or the app unmounted). */
function release(state: LoaderState): void {
  for (const subscription of new Set([state.live, state.staged]))
    subscription?.stop()
  state.live = null
  state.staged = undefined
  state.stagedTo = null
}

/**
 * Subscribes to the query (through the query cache, so a query another component holds, or
 * the server rendered, answers at once) and writes its pushes into the loader's data while it
 * is the one shown.
 */
function subscribe(
  client: ConvexClientLike,
  context: ReturnType<typeof injectContext>,
  lifetimes: Lifetimes,
  target: { reference: FunctionReference<'query'>, args: unknown, key: string },
  state: LoaderState,
): Subscription {
  const subscription: Subscription = { key: target.key, waiters: new Set(), stop: () => {} }
  const settle = (result: { value: unknown } | { error: Error }) => {
    subscription.result = result
    for (const waiter of subscription.waiters) {
      if ('value' in result)
        waiter.resolve(result.value)
      else
        waiter.reject(result.error)
    }
    subscription.waiters.clear()
    if (state.live === subscription) {
      if ('value' in result) {
        state.entry.data.value = result.value
        state.entry.error.value = null
      }
      else {
        state.entry.error.value = result.error
      }
    }
  }
  const stopListening = onClientClose(client, () => {
    if (!subscription.result)
      settle({ error: usageError(6, 'defineConvexLoader', process.env.NODE_ENV !== 'production' && 'the Convex client was closed before the query\'s first result arrived.') })
  })
  const { stop } = loadQuery(client, context, {}, lifetimes, { ...target, ssrKey: target.key }, {
    onValue: value => settle({ value }),
    onError: error => settle({ error }),
    // The server render's result is the page's data; a value the cache kept or persisted is
    // stale, and a loader promises the page its current data: it waits for the live one.
    onKnown: (value, source) => source === 'ssr' && settle({ value }),
  })
  let stopped = false
  subscription.stop = () => {
    if (stopped)
      return
    stopped = true
    stopListening()
    stop?.()
  }
  return subscription
}

/** The subscription's latest result, or its first one; rejects when `signal` aborts first. */
function firstResult(subscription: Subscription, signal: AbortSignal | undefined): Promise<unknown> {
  const { result } = subscription
  if (result)
    return 'value' in result ? Promise.resolve(result.value) : Promise.reject(result.error)
  return new Promise((resolve, reject) => {
    const waiter = { resolve, reject }
    subscription.waiters.add(waiter)
    // The navigation was aborted: its guard must not wait for a result that no longer matters.
    signal?.addEventListener('abort', () => {
      subscription.waiters.delete(waiter)
      reject(signal.reason)
    }, { once: true })
  })
}
