import type { FunctionArgs, FunctionReference, PaginationOptions, PaginationResult } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter } from 'vue'
import type { QueryTarget } from '../_internal'
import type { ArgsWithRefs } from '../_internal/args'
import type { QueryRenderOptions } from '../_internal/once'
import type { SetTarget, SetTargets } from '../_internal/querySet'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { getFunctionName } from 'convex/server'
import { ConvexError } from 'convex/values'
import { computed, shallowRef, toValue, watch } from 'vue'
import { checkPlainReference, guard, queryTarget, resolveQueryClient, usageError } from '../_internal'
import { keep, resolveLifetimes, take } from '../_internal/cache'
import { injectContext } from '../_internal/context'
import { emit } from '../_internal/devtoolsRegistry'
import { useQuerySet } from '../_internal/querySet'

export { insertAtBottomIfLoaded, insertAtPosition, insertAtTop, optimisticallyUpdateValueInPaginatedQuery } from './optimistic'
export type { InsertAtOptions, InsertAtPositionOptions } from './optimistic'

/** A query that takes `paginationOpts` and returns a page: `.paginate(paginationOpts)`. */
export type PaginatedQueryReference = FunctionReference<'query', 'public', { paginationOpts: PaginationOptions }, PaginationResult<any>>

/** The query's arguments without `paginationOpts`, which the composable manages. */
export type PaginatedQueryArgs<Query extends PaginatedQueryReference> = Omit<FunctionArgs<Query>, 'paginationOpts'>

/** One item of the query's pages. */
export type PaginatedQueryItem<Query extends PaginatedQueryReference> = Query['_returnType']['page'][number]

/**
 * Where the pages stand, with the names Convex's React hook uses, plus `'Error'` while a page
 * failed (`error` holds why; the items before it stay).
 */
export type PaginationStatus = 'LoadingFirstPage' | 'CanLoadMore' | 'LoadingMore' | 'Exhausted' | 'Error'

/**
 * Options of {@link useConvexPaginatedQuery}; `server` and `subscribe` apply to every page
 * (`subscribe: false`: each page is fetched once, `loadMore` fetches the next).
 */
export interface UseConvexPaginatedQueryOptions<Item = unknown> extends QueryRenderOptions {
  /** Items in the first page. */
  initialNumItems: number
  /**
   * The client to subscribe with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
  /**
   * While the first page for new arguments loads, keep showing the previous arguments'
   * items (`isStale` is then `true`) instead of an empty list.
   * @default false
   */
  keepPreviousData?: boolean
  /**
   * How long (ms) the loaded pages stay subscribed after this component unmounts or the
   * arguments change: a list that comes back within it shows the same pages at once, live
   * (see `createConvexVue`'s `keepAliveMs`).
   * @default the plugin's `keepAliveMs` (0 unless set there)
   */
  keepAliveMs?: number
  /**
   * How long (ms) each page's last value is kept once it is no longer subscribed (see
   * `createConvexVue`'s `gcTimeMs`).
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
   * The items `results` holds while the first page loads (`status` stays `'LoadingFirstPage'`),
   * as `useAsyncData`'s `default`.
   * @default () => []
   */
  default?: () => Item[]
}

/** What {@link useConvexPaginatedQuery} returns. */
export interface UseConvexPaginatedQueryReturn<Query extends PaginatedQueryReference> {
  /** Every item of the loaded pages, in order, live. */
  results: ComputedRef<PaginatedQueryItem<Query>[]>
  /** `'LoadingFirstPage'`, `'CanLoadMore'`, `'LoadingMore'`, `'Exhausted'` or `'Error'`. */
  status: ComputedRef<PaginationStatus>
  /** `true` while the first page or more items load (not while a page failed). */
  isLoading: ComputedRef<boolean>
  /** The failing page's error (or why the arguments are unusable), `null` otherwise. */
  error: ComputedRef<Error | null>
  /** `true` while `results` are the previous arguments' items (`keepPreviousData`). */
  isStale: ComputedRef<boolean>
  /** Loads `numItems` more; returns `false` when it cannot now (loading, failed or exhausted). */
  loadMore: (numItems: number) => boolean
}

/** The pagination options of one page, as sent in `paginationOpts`. */
interface PageOptions {
  numItems: number
  cursor: string | null
  endCursor?: string | null
  /** This list's own id: pages of two lists never share a subscription (or a journal). */
  id: number
}

/** One list's pages: which page queries exist and in what order they are shown. */
interface Pages {
  target: QueryTarget<PaginatedQueryReference, Record<string, unknown>>
  id: number
  /** The pages shown, in order, by key. */
  order: number[]
  /** Every page query, by key: the shown ones and the halves of pages being split. */
  queries: Record<number, PageOptions>
  /** Pages being split, with the keys of their two halves. */
  splits: Record<number, [number, number]>
  nextKey: number
  /** Started over after an InvalidCursor, and no page has loaded since. */
  restarted: boolean
}

let lastPaginationId = 0

function firstPages(target: Pages['target'], numItems: number, restarted = false): Pages {
  const id = ++lastPaginationId
  return { target, id, order: [0], queries: { 0: { numItems, cursor: null, id } }, splits: {}, nextKey: 1, restarted }
}

/** A cursor the server no longer accepts (the query or index changed under the list). */
function isInvalidCursor(error: Error): boolean {
  const data = error instanceof ConvexError ? (error.data as { isConvexSystemError?: boolean, paginationError?: string } | undefined) : undefined
  return error.message.includes('InvalidCursor') || (data?.isConvexSystemError === true && data.paginationError === 'InvalidCursor')
}

/** The last join of a list's pages: `items` holds the items of `pages`, in order. */
interface Joined {
  pages: unknown[][]
  items: unknown[]
}

type ToSpliced = (start: number, deleteCount: number, ...items: unknown[]) => unknown[]
/** `Array.prototype.toSpliced` (ES2023), where the browser has it. */
const toSpliced = (Array.prototype as { toSpliced?: ToSpliced }).toSpliced
/** The most items a changed run of pages may pass as arguments (far below engines' limits). */
const MAX_SPLICED = 8192

/**
 * The items of `pages`, in order. Pages are compared by identity with the last join's: when
 * only a run of them changed (a live update to one page, a page loaded at the end, a page
 * split in two), the unchanged items are copied from the last join in one pass and only
 * the changed pages' items are read; otherwise the pages are concatenated.
 */
function joinPages(pages: unknown[][], last: Joined): unknown[] {
  if (pages.length === 1)
    return pages[0]
  const before = last.pages
  const common = Math.min(pages.length, before.length)
  let head = 0
  let headItems = 0
  while (head < common && pages[head] === before[head])
    headItems += pages[head++].length
  let tail = 0
  let tailItems = 0
  while (tail < common - head && pages[pages.length - 1 - tail] === before[before.length - 1 - tail])
    tailItems += pages[pages.length - 1 - tail++].length
  if (head === pages.length && head === before.length)
    return last.items
  const changed = pages.slice(head, pages.length - tail)
  const added = changed.length === 1 ? changed[0] : ([] as unknown[]).concat(...changed)
  if (!toSpliced || added.length > MAX_SPLICED || added.length > headItems + tailItems)
    return ([] as unknown[]).concat(...pages)
  return toSpliced.call(last.items, headItems, last.items.length - headItems - tailItems, ...added)
}

/** What the pages need when nothing needs doing: one array, so that watching the steps stays quiet. */
const NO_STEPS: Step[] = []

type Step
  = | { kind: 'split', key: number, splitCursor: string, continueCursor: string }
    | { kind: 'splitDone', key: number }
    | { kind: 'restart' }
    | { kind: 'loaded' }

/**
 * Subscribes to a paginated query (one that calls `.paginate(paginationOpts)`): `results` holds
 * every loaded item, each page stays live, and `loadMore(n)` fetches the next `n`. Each page is
 * an ordinary live query with its own id, so every call paginates on its own, a failing page
 * is an ordinary error, pages that grow too large are split, and a list whose cursor the
 * server no longer accepts starts over. Changing the arguments starts over from the first
 * page; `'skip'` unsubscribes.
 *
 * @example
 * const { results, status, loadMore } = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 10 })
 */
export function useConvexPaginatedQuery<Query extends PaginatedQueryReference>(
  query: MaybeRefOrGetter<Query>,
  args: MaybeRefOrGetter<ArgsWithRefs<PaginatedQueryArgs<Query>> | 'skip'>,
  options: UseConvexPaginatedQueryOptions<PaginatedQueryItem<Query>>,
): UseConvexPaginatedQueryReturn<Query> {
  const NAME = 'useConvexPaginatedQuery'
  const { initialNumItems, keepPreviousData = false } = options ?? ({} as UseConvexPaginatedQueryOptions)
  if (!Number.isInteger(initialNumItems) || initialNumItems <= 0)
    throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `options.initialNumItems must be a positive whole number, got ${String(initialNumItems)}.`)
  const plainName = checkPlainReference(NAME, query, 'api.messages.page')
  const client = resolveQueryClient(NAME, options.client)
  const context = injectContext()
  const lifetimes = typeof client.onUpdate === 'function' ? resolveLifetimes(NAME, context, options) : { keepAlive: 0, gcTime: 0 }
  const keepAlive = lifetimes.keepAlive
  /** Where a list's pages are kept for a list of the same query, arguments and first page size. */
  const layoutKey = (t: Pages['target']) => `${t.key}|${initialNumItems}`

  /** The list to show: `null` when skipped, an `Error` when the input is unusable. Never throws. */
  const target = computed(() => guard(() => {
    const a = toValue(args)
    if (a === 'skip')
      return null
    const t = queryTarget(NAME, toValue(query), a as Record<string, unknown>, 'api.messages.page', plainName)
    if ('paginationOpts' in t.args)
      throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `pass the arguments of "${getFunctionName(t.reference)}" without paginationOpts: the composable manages the pages.`)
    return t as Pages['target']
  }))

  const pages = shallowRef<Pages | null>(null)
  /** The previous list's items, shown while a new list's first page loads (`keepPreviousData`). */
  const previous = shallowRef<unknown[] | null>(null)

  const pageTargets = new WeakMap<PageOptions, SetTarget>()
  const { raw: pageResults, version } = useQuerySet(client, () => {
    const state = pages.value
    const targets: SetTargets = {}
    if (!state)
      return targets
    for (const [key, paginationOpts] of Object.entries(state.queries)) {
      // A page's options never change (a new page, or a list's new arguments, gets new ones),
      // so its target is made once: loading a page does not re-key the others.
      let target = pageTargets.get(paginationOpts)
      if (!target) {
        const { id: _id, ...withoutId } = paginationOpts
        pageTargets.set(paginationOpts, target = {
          reference: state.target.reference,
          args: { ...state.target.args, paginationOpts },
          key: `${state.target.key}:${JSON.stringify(paginationOpts)}`,
          // The server renders with another list id: hydrate the first page by its position.
          ssrKey: paginationOpts.cursor === null && !paginationOpts.endCursor ? `${state.target.key}:${JSON.stringify(withoutId)}` : undefined,
          // Its key holds this list's own id: a reload's list never reads it back.
          persist: false,
        })
      }
      targets[key] = target
    }
    return targets
  }, lifetimes, false, options)
  /** What `results` shows while the first page loads, when there are no previous items. */
  const placeholder = options.default?.() as unknown[] | undefined

  /** The last join of the shown pages' items (see `joinPages`). */
  let joined: Joined = { pages: [], items: [] }

  /** Everything shown, derived from the pages and their results; `steps` are what the pages need next. */
  const view = computed(() => {
    const state = pages.value
    const input = target.value
    void version.value // every page's result, as one dependency
    // The pages' item arrays, joined once at the end (one copy, however many pages).
    const shown: unknown[][] = []
    let steps = NO_STEPS
    const need = (step: Step) => (steps === NO_STEPS ? (steps = []) : steps).push(step)
    let last: PaginationResult<unknown> | undefined
    let error: Error | null = input instanceof Error ? input : null
    if (state) {
      const splitting = Object.keys(state.splits).length > 0
      for (const key of state.order) {
        const result = pageResults[key]
        last = undefined
        if (result?.status !== 'success') {
          if (result?.status === 'error') {
            if (isInvalidCursor(result.error!) && !state.restarted) {
              need({ kind: 'restart' })
            }
            else {
              error = result.error
              // The failing page's last good items stay shown, up to it.
              shown.push((result.data as PaginationResult<unknown> | undefined)?.page ?? [])
            }
          }
          break // a page still loading, or failed: nothing past it is shown
        }
        const page = result.data as PaginationResult<unknown>
        // Only a page being split, or one the server says should be, needs more than showing.
        if (splitting || page.splitCursor || page.pageStatus) {
          const halves = state.splits[key]
          if (halves) {
            if (halves.every(half => pageResults[half] && pageResults[half].status !== 'pending'))
              need({ kind: 'splitDone', key })
          }
          else if (page.splitCursor && (page.pageStatus === 'SplitRecommended' || page.pageStatus === 'SplitRequired' || page.page.length > state.queries[key].numItems * 2)) {
            need({ kind: 'split', key, splitCursor: page.splitCursor, continueCursor: page.continueCursor })
          }
          // The server could not read the whole page: show nothing past it until it is split.
          if (page.pageStatus === 'SplitRequired')
            break
        }
        shown.push(page.page)
        last = page
      }
      if (state.restarted && last)
        need({ kind: 'loaded' })
    }
    const status: PaginationStatus = error
      ? 'Error'
      : !last
          ? (!state || state.nextKey === 1 ? 'LoadingFirstPage' : 'LoadingMore')
          : last.isDone ? 'Exhausted' : 'CanLoadMore'
    const stale = status === 'LoadingFirstPage' && !error ? previous.value : null
    const instead = stale ?? (status === 'LoadingFirstPage' && !error ? placeholder : undefined)
    const items = joinPages(shown, joined)
    joined = { pages: shown, items }
    return { items, status, error, last, steps, stale, instead }
  })

  // A new list starts at its first page.
  watch(target, (next, before) => {
    if (next && before && !(next instanceof Error) && !(before instanceof Error) && next.key === before.key)
      return
    // The first run has no previous list.
    const shown = before === undefined ? [] : (view.value.stale ?? view.value.items)
    previous.value = keepPreviousData && next && !(next instanceof Error) && shown.length ? shown : null
    keepPages()
    // The pages of a list left within keepAlive come back (their queries are still live).
    const kept = next && !(next instanceof Error) && keepAlive ? take(client, layoutKey(next)) as Pages | undefined : undefined
    pages.value = kept ? { ...kept, target: next as Pages['target'] } : next && !(next instanceof Error) ? firstPages(next, initialNumItems) : null
  }, { immediate: true, flush: 'sync' })

  /** Keeps the current list's pages for `keepAlive`, for a list that comes back. */
  function keepPages() {
    if (keepAlive && pages.value)
      keep(client, context, layoutKey(pages.value.target), pages.value, keepAlive)
  }
  tryOnScopeDispose(keepPages)

  // What the pages need next (split, swap in the halves, start over) is applied outside the
  // computed that found it.
  watch(view, ({ steps, status }) => {
    // Items of the previous arguments are kept only while the new list's first page loads.
    if (status !== 'LoadingFirstPage')
      previous.value = null
    let state = pages.value
    for (const step of steps) {
      if (!state)
        return
      if (step.kind === 'restart') {
        state = firstPages(state.target, initialNumItems, true)
      }
      else if (step.kind === 'loaded') {
        state = { ...state, restarted: false }
      }
      else if (step.kind === 'split' && !state.splits[step.key]) {
        const page = state.queries[step.key]
        const [a, b] = [state.nextKey, state.nextKey + 1]
        state = {
          ...state,
          nextKey: state.nextKey + 2,
          queries: {
            ...state.queries,
            [a]: { ...page, endCursor: step.splitCursor },
            [b]: { ...page, cursor: step.splitCursor, endCursor: step.continueCursor },
          },
          splits: { ...state.splits, [step.key]: [a, b] },
        }
      }
      else if (step.kind === 'splitDone' && state.splits[step.key]) {
        const { [step.key]: halves, ...splits } = state.splits
        const { [step.key]: _replaced, ...queries } = state.queries
        state = { ...state, queries, splits, order: state.order.flatMap(k => (k === step.key ? halves : [k])) }
      }
    }
    if (state !== pages.value)
      pages.value = state
  })

  // Vue Devtools lists it with its pages (development builds only).
  if (process.env.NODE_ENV !== 'production' && context?.devtools) {
    const registry = context.devtools
    const id = ++lastPaginationId
    registry.lists.set(id, {
      name: getFunctionName(toValue(query)),
      get args() {
        return pages.value?.target.args ?? 'skip'
      },
      read: () => ({
        status: view.value.status,
        pages: (pages.value?.order ?? []).map((key) => {
          const { cursor, numItems } = pages.value!.queries[key]!
          const result = pageResults[key]
          return { cursor, numItems, status: result?.status ?? 'pending', items: (result?.data as PaginationResult<unknown> | undefined)?.page.length ?? 0 }
        }),
      }),
    })
    emit(registry, null)
    tryOnScopeDispose(() => {
      registry.lists.delete(id)
      emit(registry, null)
    })
  }

  return {
    results: computed(() => (view.value.instead ?? view.value.items) as PaginatedQueryItem<Query>[]),
    status: computed(() => view.value.status),
    isLoading: computed(() => view.value.status === 'LoadingFirstPage' || view.value.status === 'LoadingMore'),
    error: computed(() => view.value.error),
    isStale: computed(() => view.value.stale !== null),
    loadMore(numItems: number) {
      if (!Number.isInteger(numItems) || numItems <= 0)
        throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `loadMore() takes a positive whole number of items, got ${String(numItems)}.`)
      const state = pages.value
      const { status, last } = view.value
      if (!state || status !== 'CanLoadMore' || !last)
        return false
      const key = state.nextKey
      pages.value = {
        ...state,
        nextKey: key + 1,
        order: [...state.order, key],
        queries: { ...state.queries, [key]: { numItems, cursor: last.continueCursor, id: state.id } },
      }
      return true
    },
  }
}
