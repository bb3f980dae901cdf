import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ArgsWithRefs } from '../_internal/args'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, getCurrentInstance, isReactive, isRef, onServerPrefetch, shallowRef, toValue, watch } from 'vue'
import { checkPlainReference, guard, onClientClose, queryTarget, resolveQueryClient, usageError } from '../_internal'
import { resolveGcTime, subscribeCached } from '../_internal/cache'
import { deliverKnown, injectContext, serverQuery } from '../_internal/context'

/** Where a {@link useConvexQuery} stands: `'idle'` while skipped. */
export type QueryStatus = 'idle' | 'pending' | 'success' | 'error'

/**
 * Arguments of a query, or `'skip'` to not subscribe (yet). Values inside them may be refs,
 * at any depth: they are unwrapped and tracked, so the query re-subscribes when they change.
 */
export type QueryArgsOrSkip<Query extends FunctionReference<'query'>> = ArgsWithRefs<FunctionArgs<Query>> | 'skip'

/** Options of {@link useConvexQuery}. */
export interface UseConvexQueryOptions {
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
   * change, so that coming back renders its live value at once (see `createConvexVue`'s `gcTime`).
   * @default the plugin's `gcTime` (0 unless set there)
   */
  gcTime?: number
}

/** What {@link useConvexQuery} returns; `await` it to wait for the first result. */
export interface UseConvexQueryReturn<Query extends FunctionReference<'query'>> extends PromiseLike<UseConvexQueryState<Query>> {}

/** The refs of {@link useConvexQuery}. */
export interface UseConvexQueryState<Query extends FunctionReference<'query'>> {
  /** The latest result, live; `undefined` until the first one arrives. */
  data: Readonly<ShallowRef<FunctionReturnType<Query> | undefined>>
  /** The query's error, `null` otherwise. `data` keeps the last result meanwhile. */
  error: Readonly<ShallowRef<Error | null>>
  /** `'idle'` (skipped), `'pending'` (no result yet), `'success'` or `'error'`. */
  status: ComputedRef<QueryStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** `true` while `data` is the previous arguments' result (`keepPreviousData`). */
  isStale: ComputedRef<boolean>
}

// Arguments may be omitted exactly when every one is optional (`{}` is assignable to them).
// eslint-disable-next-line ts/no-empty-object-type
type ArgsParameter<Query extends FunctionReference<'query'>> = {} extends FunctionArgs<Query>
  ? [args?: MaybeRefOrGetter<QueryArgsOrSkip<Query>>, options?: UseConvexQueryOptions]
  : [args: MaybeRefOrGetter<QueryArgsOrSkip<Query>>, options?: UseConvexQueryOptions]

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
export function useConvexQuery<Query extends FunctionReference<'query'>>(
  query: MaybeRefOrGetter<Query>,
  ...[args, options = {}]: ArgsParameter<Query>
): UseConvexQueryState<Query> & UseConvexQueryReturn<Query> {
  const NAME = 'useConvexQuery'
  const { keepPreviousData = false } = options
  const plainName = checkPlainReference(NAME, query, 'api.messages.list')
  const client = resolveQueryClient(NAME, options.client)
  const context = injectContext()
  const gcTime = resolveGcTime(NAME, context, options.gcTime)
  // Live wherever the client can subscribe (a ConvexClient, in a browser or in Node); an HTTP
  // client (server-side rendering) fetches once.
  const live = typeof client.onUpdate === 'function'

  type Result = FunctionReturnType<Query>
  const data = shallowRef<Result>()
  const error = shallowRef<Error | null>(null)
  const state = shallowRef<QueryStatus>('pending')
  const isStale = shallowRef(false)
  let unsubscribe: (() => void) | undefined
  let waiters: Array<() => void> = []

  const status = computed(() => state.value)
  const pending = computed(() => state.value === 'pending')

  function settle(next: QueryStatus) {
    state.value = next
    if (next !== 'pending') {
      const done = waiters
      waiters = []
      done.forEach(w => w())
    }
  }

  function onValue(value: Result) {
    data.value = value
    error.value = null
    isStale.value = false
    settle('success')
  }

  function onError(e: Error) {
    error.value = e
    isStale.value = false
    settle('error')
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
    if (keepPreviousData && data.value !== undefined) {
      isStale.value = true
    }
    else {
      data.value = undefined
      isStale.value = false
    }
    error.value = null
    settle('pending')

    if (!live) {
      // Server-side rendering: one HTTP fetch, kept for hydration.
      const fetched = serverQuery(client, context, next.reference, next.args, next.key).then(onValue, onError)
      if (getCurrentInstance())
        onServerPrefetch(() => fetched)
      return
    }

    const { subscription, unsubscribe: end } = subscribeCached(client, context, gcTime, next.reference, next.args, next.key, onValue, onError)
    unsubscribe = end
    // A result already in the client (another component subscribed) or rendered on the server shows at once.
    deliverKnown(subscription, context, next.key, onValue, onError)
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
      data.value = undefined
      error.value = null
      isStale.value = false
      return settle('idle')
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

  const stopListening = onClientClose(client, () => {
    if (state.value === 'pending') {
      stop()
      onError(usageError(6, NAME, process.env.NODE_ENV !== 'production' && 'the Convex client was closed before the query\'s first result arrived.'))
    }
  })

  let disposed = false
  tryOnScopeDispose(() => {
    stop()
    stopListening()
    disposed = true
    // Whoever awaits this query must not wait forever for a component that is gone.
    const done = waiters
    waiters = []
    done.forEach(w => w())
  })

  const refs: UseConvexQueryState<Query> = { data, error, status, pending, isStale: computed(() => isStale.value) }
  return {
    ...refs,
    then(onFulfilled, onRejected) {
      const wait = state.value === 'pending' && !disposed
        ? new Promise<void>(resolve => waiters.push(resolve))
        : Promise.resolve()
      return wait
        .then(() => {
          if (state.value === 'error')
            throw error.value
          return refs
        })
        .then(onFulfilled, onRejected)
    },
  }
}
