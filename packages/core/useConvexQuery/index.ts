import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ArgsWithRefs } from '../_internal/args'
import type { QueryRenderOptions } from '../_internal/once'
import type { QuerySource } from '../_internal/types'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, getCurrentInstance, isReactive, isRef, onServerPrefetch, shallowRef, toValue, watch } from 'vue'
import { checkPlainReference, guard, onClientClose, queryTarget, resolveQueryClient, usageError } from '../_internal'
import { resolveLifetimes } from '../_internal/cache'
import { injectContext } from '../_internal/context'
import { loadQuery } from '../_internal/once'

export type { QueryRenderOptions } from '../_internal/once'
export type { QuerySource } from '../_internal/types'

/** Where a {@link useConvexQuery} stands: `'idle'` while skipped. */
export type QueryStatus = 'idle' | 'pending' | 'success' | 'error'

/**
 * Arguments of a query, or `'skip'` to not subscribe (yet). Values inside them may be refs,
 * at any depth: they are unwrapped and tracked, so the query re-subscribes when they change.
 */
export type QueryArgsOrSkip<Query extends FunctionReference<'query'>> = ArgsWithRefs<FunctionArgs<Query>> | 'skip'

/**
 * Options of {@link useConvexQuery}. `Default` is the type of `default()`'s placeholder, which
 * `data` may then hold.
 */
export interface UseConvexQueryOptions<Default = undefined> extends QueryRenderOptions {
  /**
   * The client to subscribe with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
  /**
   * While new arguments load, keep showing the result for the previous ones (`isStale` is
   * then `true`) instead of `undefined`.
   * @default false
   */
  keepPreviousData?: boolean
  /**
   * How long (ms) the query stays subscribed after this component unmounts or its arguments
   * change, so that coming back within it renders the live value at once, with no round trip
   * (see `createConvexVue`'s `keepAliveMs`).
   * @default the plugin's `keepAliveMs` (0 unless set there)
   */
  keepAliveMs?: number
  /**
   * How long (ms) the query's last value is kept after this component unmounts or its
   * arguments change (counted from the same moment as `keepAliveMs`): coming back after the
   * subscription closed renders it at once, with `isStale` and `source: 'cache'`, while it
   * subscribes again (see `createConvexVue`'s `gcTimeMs`).
   * @default the plugin's `gcTimeMs` (0 unless set there)
   */
  gcTimeMs?: number
  /**
   * Sets `keepAliveMs` and `gcTimeMs` at once (the single lifetime of earlier versions).
   * @deprecated use `keepAliveMs` and `gcTimeMs`
   * @default undefined
   */
  gcTime?: number
  /**
   * The value `data` holds while there is no result (pending, skipped or failed before any
   * result), as `useAsyncData`'s `default`: a placeholder, so `status` stays `'pending'`.
   * @default () => undefined
   */
  default?: () => Default
}

/** What {@link useConvexQuery} returns; `await` it to wait for the first result. */
export interface UseConvexQueryReturn<Query extends FunctionReference<'query'>, Default = undefined> extends PromiseLike<UseConvexQueryState<Query, Default>> {}

/** The refs of {@link useConvexQuery}. */
export interface UseConvexQueryState<Query extends FunctionReference<'query'>, Default = undefined> {
  /** The latest result, live; `undefined` (or the `default()` placeholder) until the first one arrives. */
  data: Readonly<ShallowRef<FunctionReturnType<Query> | Default>>
  /** The query's error, `null` otherwise. `data` keeps the last result meanwhile. */
  error: Readonly<ShallowRef<Error | null>>
  /** `'idle'` (skipped), `'pending'` (no result yet), `'success'` or `'error'`. */
  status: ComputedRef<QueryStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /**
   * `true` while `data` is not the live value of these arguments yet: the previous arguments'
   * result (`keepPreviousData`), or a value kept by the cache or persisted (see `source`).
   */
  isStale: ComputedRef<boolean>
  /**
   * Where `data` came from: `'live'` (the subscription), `'ssr'` (the server render),
   * `'cache'` (kept after the subscription closed, `gcTimeMs`) or `'persisted'` (storage of an
   * earlier visit, `createConvexPersister`); `undefined` while there is no result.
   */
  source: ComputedRef<QuerySource | undefined>
}

/** Where a query stands: its status, whether `data` is stale, and where it came from. */
interface Phase {
  readonly status: QueryStatus
  readonly stale: boolean
  readonly source?: QuerySource
}
// The phases every query passes through, shared; the rarer ones are made when they happen.
const PENDING: Phase = { status: 'pending', stale: false }
const IDLE: Phase = { status: 'idle', stale: false }
const LIVE: Phase = { status: 'success', stale: false, source: 'live' }

/** The derived refs, each read from the phase. */
const READ = {
  status: (p: Phase) => p.status,
  pending: (p: Phase) => p.status === 'pending',
  isStale: (p: Phase) => p.stale,
  source: (p: Phase) => p.source,
}
type Derive = (name: keyof typeof READ) => ComputedRef<any>
const DERIVE = /* @__PURE__ */ Symbol('derive')
/**
 * The accessors of the derived refs, shared by every query (one per property, not one per
 * query): each makes its query's computed when first read.
 */
const DERIVED: PropertyDescriptorMap = /* @__PURE__ */ Object.fromEntries((['status', 'pending', 'isStale', 'source'] as const).map(name => [name, {
  enumerable: true,
  get(this: { [DERIVE]: Derive }) {
    return this[DERIVE](name)
  },
}]))

// Arguments may be omitted exactly when every one is optional (`{}` is assignable to them).
// eslint-disable-next-line ts/no-empty-object-type
type ArgsParameter<Query extends FunctionReference<'query'>, Default> = {} extends FunctionArgs<Query>
  ? [args?: MaybeRefOrGetter<QueryArgsOrSkip<Query>>, options?: UseConvexQueryOptions<Default>]
  : [args: MaybeRefOrGetter<QueryArgsOrSkip<Query>>, options?: UseConvexQueryOptions<Default>]

/**
 * Subscribes to a Convex query: `data` updates live whenever the result changes on the server.
 * Changing the arguments re-subscribes (equal arguments do not), `'skip'` unsubscribes, and
 * the subscription ends with the component. Components with the same query and arguments
 * share one subscription.
 *
 * `query` is a reference such as `api.messages.list` (or a shallowRef / getter of one);
 * `args` its arguments, a ref or getter of them, or `'skip'`; `options` are
 * {@link UseConvexQueryOptions}.
 * @example
 * const { data: messages } = useConvexQuery(api.messages.list, { limit: 20 })
 */
export function useConvexQuery<Query extends FunctionReference<'query'>, Default = undefined>(
  query: MaybeRefOrGetter<Query>,
  ...[args, options = {}]: ArgsParameter<Query, Default>
): UseConvexQueryState<Query, Default> & UseConvexQueryReturn<Query, Default> {
  const NAME = 'useConvexQuery'
  const { keepPreviousData = false } = options
  const placeholder = options.default ?? (() => undefined as Default)
  const plainName = checkPlainReference(NAME, query, 'api.messages.list')
  const client = resolveQueryClient(NAME, options.client)
  const context = injectContext()
  const lifetimes = resolveLifetimes(NAME, context, options)
  // Live wherever the client can subscribe (a ConvexClient, in a browser or in Node); an HTTP
  // client (server-side rendering) fetches once.
  const live = typeof client.onUpdate === 'function'
  // `server: false` while rendering on the server: pending, for the browser to load.
  const leftToBrowser = !live && options.server === false

  type Result = FunctionReturnType<Query>
  const data = shallowRef<Result | Default>(placeholder())
  const error = shallowRef<Error | null>(null)
  // Status, staleness and source change together: one ref holds all three (shared constants).
  const state = shallowRef<Phase>(PENDING)
  let unsubscribe: (() => void) | undefined
  let waiters: Array<() => void> | undefined
  // Listens for the client closing only while pending: a query with a result keeps nothing.
  let stopListening: (() => void) | undefined

  function settle(next: Phase) {
    state.value = next
    if (next.status === 'pending') {
      stopListening ??= onClientClose(client, onClientClosed)
    }
    else {
      stopListening?.()
      stopListening = undefined
      release()
    }
  }

  /** Lets whoever awaits this query go on. */
  function release() {
    const done = waiters
    waiters = undefined
    done?.forEach(w => w())
  }

  function onClientClosed() {
    if (state.value.status === 'pending') {
      stop()
      onError(usageError(6, NAME, process.env.NODE_ENV !== 'production' && 'the Convex client was closed before the query\'s first result arrived.'))
    }
  }

  function onValue(value: Result) {
    onKnown(value, 'live')
  }

  function onKnown(value: Result, from: QuerySource) {
    data.value = value
    error.value = null
    settle(from === 'live' ? LIVE : { status: 'success', stale: from === 'cache' || from === 'persisted', source: from })
  }

  function onError(e: Error) {
    error.value = e
    settle({ status: 'error', stale: false, source: state.value.source })
  }

  /**
   * What to subscribe to: `null` when skipped, an `Error` when the input is unusable. It never
   * throws: Vue evaluates it while checking whether the watcher is dirty, outside any handler.
   */
  const resolveTarget = () => guard(() => {
    const a = toValue(args as MaybeRefOrGetter<QueryArgsOrSkip<Query>> | undefined)
    return a === 'skip' ? null : queryTarget(NAME, toValue(query), a as FunctionArgs<Query>, 'api.messages.list', plainName)
  })

  function stop() {
    unsubscribe?.()
    unsubscribe = undefined
  }

  function start(next: { reference: Query, args: FunctionArgs<Query>, key: string }) {
    stop()
    const keep = keepPreviousData && data.value !== undefined
    if (!keep)
      data.value = placeholder()
    error.value = null
    settle(keep ? { status: 'pending', stale: true, source: state.value.source } : PENDING)

    const { stop: end, fetched } = loadQuery(client, context, options, lifetimes, next, { onValue, onError, onKnown })
    unsubscribe = end
    // Server-side rendering: one HTTP fetch, kept for hydration, which the render waits for.
    if (fetched && getCurrentInstance())
      onServerPrefetch(() => fetched)
  }

  type Target = ReturnType<typeof resolveTarget>
  function apply(next: Target, previous: Target | undefined) {
    if (next instanceof Error) {
      stop()
      return onError(next)
    }
    if (next && previous && !(previous instanceof Error) && next.key === previous.key)
      return
    if (!next) {
      stop()
      data.value = placeholder()
      error.value = null
      return settle(IDLE)
    }
    start(next)
  }

  // Arguments with nothing reactive in them (the common `{ id: 'x' }`) are read once: no
  // watcher, which costs more than the rest of the setup together.
  const first = resolveTarget()
  const plainArgs = args === undefined || args === 'skip'
    || (!isRef(args) && typeof args !== 'function' && !isReactive(args) && (first instanceof Error || first?.args === args))
  if (!isRef(query) && typeof query !== 'function' && plainArgs)
    apply(first, undefined)
  else
    watch(computed(resolveTarget), apply, { immediate: true })

  let disposed = false
  tryOnScopeDispose(() => {
    stop()
    stopListening?.()
    stopListening = undefined
    disposed = true
    // Whoever awaits this query must not wait forever for a component that is gone.
    release()
  })

  // The derived refs are made when first read: a long list of rows that reads only `data`
  // keeps no computed per row (each holds its own dependency bookkeeping).
  let derived: Partial<Record<keyof typeof READ, ComputedRef<any>>> | undefined
  const derive: Derive = name => (derived ??= {})[name] ??= computed(() => READ[name](state.value))
  let settled: UseConvexQueryState<Query, Default> | undefined
  // `status`, `pending`, `isStale` and `source` come from DERIVED.
  const withDerived = () => Object.defineProperty(Object.defineProperties({ data, error }, DERIVED), DERIVE, { value: derive }) as unknown as UseConvexQueryState<Query, Default>
  const refs = withDerived() as UseConvexQueryState<Query, Default> & UseConvexQueryReturn<Query, Default>
  refs.then = function (onFulfilled, onRejected) {
    // A query left to the browser renders pending on the server: nothing to wait for there.
    const wait = state.value.status === 'pending' && !disposed && !leftToBrowser
      ? new Promise<void>(resolve => (waiters ??= []).push(resolve))
      : Promise.resolve()
    return wait
      .then(() => {
        if (state.value.status === 'error')
          throw error.value
        // Without `then`: what an await resolves to must not be awaitable again.
        return settled ??= withDerived()
      })
      .then(onFulfilled, onRejected)
  }
  return refs
}
