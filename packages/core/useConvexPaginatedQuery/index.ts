import type { FunctionArgs, FunctionReference, PaginationOptions, PaginationResult } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, shallowRef, toValue, watch } from 'vue'
import { checkPlainReference, guard, isBrowser, queryTarget, resolveClient, usageError } from '../_internal'

/** A query that takes `paginationOpts` and returns a page: `.paginate(paginationOpts)`. */
export type PaginatedQueryReference = FunctionReference<'query', 'public', { paginationOpts: PaginationOptions }, PaginationResult<any>>

/** The query's arguments without `paginationOpts`, which the composable manages. */
export type PaginatedQueryArgs<Query extends PaginatedQueryReference> = Omit<FunctionArgs<Query>, 'paginationOpts'>

/** One item of the query's pages. */
export type PaginatedQueryItem<Query extends PaginatedQueryReference> = Query['_returnType']['page'][number]

/** Where the pages stand, with the names Convex's React hook uses. */
export type PaginationStatus = 'LoadingFirstPage' | 'CanLoadMore' | 'LoadingMore' | 'Exhausted'

/** Options of {@link useConvexPaginatedQuery}. */
export interface UseConvexPaginatedQueryOptions {
  /** Items in the first page. */
  initialNumItems: number
  /**
   * The client to subscribe with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
}

/** What {@link useConvexPaginatedQuery} returns. */
export interface UseConvexPaginatedQueryReturn<Query extends PaginatedQueryReference> {
  /** Every item of the loaded pages, in order, live. */
  results: Readonly<ShallowRef<PaginatedQueryItem<Query>[]>>
  /** `'LoadingFirstPage'`, `'CanLoadMore'`, `'LoadingMore'` or `'Exhausted'`. */
  status: ComputedRef<PaginationStatus>
  /** `true` while the first page or more items load. */
  isLoading: ComputedRef<boolean>
  /** The query's error, `null` otherwise. */
  error: Readonly<ShallowRef<Error | null>>
  /** Loads `numItems` more; returns `false` when it cannot now (loading, or exhausted). */
  loadMore: (numItems: number) => boolean
}

/**
 * Subscribes to a paginated query (one that calls `.paginate(paginationOpts)`): `results` holds
 * every loaded item, each page stays live, and `loadMore(n)` fetches the next `n`. Changing the
 * arguments starts over from the first page; `'skip'` unsubscribes.
 *
 * @example
 * const { results, status, loadMore } = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 10 })
 */
export function useConvexPaginatedQuery<Query extends PaginatedQueryReference>(
  query: MaybeRefOrGetter<Query>,
  args: MaybeRefOrGetter<PaginatedQueryArgs<Query> | 'skip'>,
  options: UseConvexPaginatedQueryOptions,
): UseConvexPaginatedQueryReturn<Query> {
  const NAME = 'useConvexPaginatedQuery'
  const { initialNumItems } = options ?? ({} as UseConvexPaginatedQueryOptions)
  if (!Number.isInteger(initialNumItems) || initialNumItems <= 0)
    throw usageError(NAME, `options.initialNumItems must be a positive whole number, got ${String(initialNumItems)}.`)
  checkPlainReference(NAME, query, 'api.messages.page')
  const client = resolveClient(NAME, options.client)
  const live = isBrowser && typeof client.onPaginatedUpdate_experimental === 'function'

  const results = shallowRef<PaginatedQueryItem<Query>[]>([])
  const state = shallowRef<PaginationStatus>('LoadingFirstPage')
  const error = shallowRef<Error | null>(null)
  let more: ((n: number) => boolean) | undefined
  let unsubscribe: (() => void) | undefined

  function stop() {
    unsubscribe?.()
    unsubscribe = undefined
    more = undefined
  }

  function onPage(page: { results: PaginatedQueryItem<Query>[], status: PaginationStatus, loadMore: (n: number) => boolean }) {
    results.value = page.results
    state.value = page.status
    more = page.loadMore
    error.value = null
  }

  const target = computed(() => guard(() => {
    const a = toValue(args)
    return a === 'skip' ? null : queryTarget(NAME, toValue(query), a, 'api.messages.page')
  }))

  watch(target, (next, previous) => {
    if (next && previous && !(next instanceof Error) && !(previous instanceof Error) && next.key === previous.key)
      return
    stop()
    results.value = []
    error.value = null
    state.value = 'LoadingFirstPage'
    if (next instanceof Error) {
      error.value = next
      return
    }
    if (!next || !live)
      return // skipped, or server-side rendering: the first page loads in the browser
    const subscription = client.onPaginatedUpdate_experimental!(
      next.reference,
      next.args,
      { initialNumItems },
      onPage,
      (e: Error) => {
        error.value = e
      },
    )
    unsubscribe = typeof subscription === 'function' ? subscription : subscription?.unsubscribe
    const cached = subscription?.getCurrentValue?.()
    if (cached)
      onPage(cached)
  }, { immediate: true })

  tryOnScopeDispose(stop)

  return {
    results,
    status: computed(() => state.value),
    isLoading: computed(() => state.value === 'LoadingFirstPage' || state.value === 'LoadingMore'),
    error,
    loadMore(numItems: number) {
      if (!Number.isInteger(numItems) || numItems <= 0)
        throw usageError(NAME, `loadMore() takes a positive whole number of items, got ${String(numItems)}.`)
      return more ? more(numItems) : false
    },
  }
}
