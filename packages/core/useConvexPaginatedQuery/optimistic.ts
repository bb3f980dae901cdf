// Optimistic updates for paginated lists, on Convex's `localStore`: the pages of a list are
// the local results of its page queries (`paginationOpts` with the list's `id`), as
// useConvexPaginatedQuery subscribes them. Same semantics as convex/react's helpers.
import type { OptimisticLocalStore } from 'convex/browser'
import type { PaginationOptions, PaginationResult } from 'convex/server'
import type { Value } from 'convex/values'
import type { PaginatedQueryArgs, PaginatedQueryItem, PaginatedQueryReference } from '.'
import { compareValues, convexToJson } from 'convex/values'

/** Options of {@link insertAtTop} and {@link insertAtBottomIfLoaded}. */
export interface InsertAtOptions<Query extends PaginatedQueryReference> {
  /** The paginated query whose lists get the item, e.g. `api.messages.page`. */
  paginatedQuery: Query
  /**
   * Only lists whose arguments have these values (compared as Convex values) get the item.
   * @default undefined (every list of the query)
   */
  argsToMatch?: Partial<PaginatedQueryArgs<Query>>
  /** The mutation's `localStore`. */
  localQueryStore: OptimisticLocalStore
  /** The item to insert, shaped like the query's items. */
  item: PaginatedQueryItem<Query>
}

/** Options of {@link insertAtPosition}. */
export interface InsertAtPositionOptions<Query extends PaginatedQueryReference> extends InsertAtOptions<Query> {
  /** The order of the server query: `'asc'` or `'desc'`. */
  sortOrder: 'asc' | 'desc'
  /** The item's sort key as the server sorts it, e.g. `item => [item.priority, item._creationTime]`. */
  sortKeyFromItem: (item: PaginatedQueryItem<Query>) => Value | Value[]
}

interface PageQuery {
  args: Record<string, Value> & { paginationOpts: PaginationOptions & { id?: number } }
  value: PaginationResult<any> | undefined
}

function pageQueries<Query extends PaginatedQueryReference>(store: OptimisticLocalStore, query: Query, argsToMatch?: object): PageQuery[] {
  const all = store.getAllQueries(query) as unknown as PageQuery[]
  if (!argsToMatch)
    return all
  const wanted = Object.entries(argsToMatch)
  return all.filter(q => wanted.every(([k, v]) => compareValues(v as Value, q.args[k]) === 0))
}

function setPage(store: OptimisticLocalStore, query: PaginatedQueryReference, page: PageQuery, items: unknown[]) {
  store.setQuery(query, page.args as any, { ...page.value!, page: items })
}

/**
 * Inserts `item` at the top of every loaded list of `paginatedQuery` (the first item in the
 * query's order, whichever it is). A list whose first page has not loaded is left alone.
 *
 * @example
 * useConvexMutation(api.messages.send, {
 *   optimisticUpdate: (localQueryStore, args) => insertAtTop({
 *     paginatedQuery: api.messages.page, localQueryStore, item: { _id: crypto.randomUUID(), _creationTime: Date.now(), ...args },
 *   }),
 * })
 */
export function insertAtTop<Query extends PaginatedQueryReference>(options: InsertAtOptions<Query>): void {
  const { paginatedQuery, argsToMatch, localQueryStore, item } = options
  for (const page of pageQueries(localQueryStore, paginatedQuery, argsToMatch)) {
    if (page.args.paginationOpts.cursor === null && page.value !== undefined)
      setPage(localQueryStore, paginatedQuery, page, [item, ...page.value.page])
  }
}

/**
 * Inserts `item` at the bottom of every list of `paginatedQuery` whose last page is loaded
 * (`isDone`); elsewhere it would show in the middle of the list and then vanish.
 */
export function insertAtBottomIfLoaded<Query extends PaginatedQueryReference>(options: InsertAtOptions<Query>): void {
  const { paginatedQuery, argsToMatch, localQueryStore, item } = options
  for (const page of pageQueries(localQueryStore, paginatedQuery, argsToMatch)) {
    if (page.value?.isDone)
      setPage(localQueryStore, paginatedQuery, page, [...page.value.page, item])
  }
}

/**
 * Inserts `item` where the server would sort it, in every list of `paginatedQuery`, given the
 * query's order and a function that computes an item's sort key. An item that sorts before
 * the first loaded page goes in only when that page is the list's first; one that sorts after
 * the last loaded page, only when that page is the list's last.
 */
export function insertAtPosition<Query extends PaginatedQueryReference>(options: InsertAtPositionOptions<Query>): void {
  const { paginatedQuery, argsToMatch, localQueryStore, item, sortOrder, sortKeyFromItem } = options
  // `before(a, b)`: a sorts before b in the list's order.
  const compare = (a: Value | Value[], b: Value | Value[]) => (sortOrder === 'asc' ? 1 : -1) * compareValues(a as Value, b as Value)
  const key = sortKeyFromItem(item)
  // The pages of one list share its arguments and its id.
  const lists = new Map<string, PageQuery[]>()
  for (const page of pageQueries(localQueryStore, paginatedQuery, argsToMatch)) {
    const { paginationOpts, ...rest } = page.args
    const listKey = JSON.stringify([convexToJson(rest as Value), paginationOpts.id ?? null])
    lists.set(listKey, [...(lists.get(listKey) ?? []), page])
  }
  for (const pages of lists.values()) {
    const loaded = pages
      .filter(p => p.value !== undefined && p.value.page.length > 0)
      .sort((a, b) => compare(sortKeyFromItem(a.value!.page[0]), sortKeyFromItem(b.value!.page[0])))
    if (!loaded.length)
      continue
    const first = loaded[0]
    if (compare(key, sortKeyFromItem(first.value!.page[0])) <= 0) {
      if (first.args.paginationOpts.cursor === null)
        setPage(localQueryStore, paginatedQuery, first, [item, ...first.value!.page])
      continue
    }
    const last = loaded[loaded.length - 1]
    const lastItems = last.value!.page
    if (compare(key, sortKeyFromItem(lastItems[lastItems.length - 1])) >= 0) {
      if (last.value!.isDone)
        setPage(localQueryStore, paginatedQuery, last, [...lastItems, item])
      continue
    }
    // The last page that starts before the item holds it.
    const next = loaded.findIndex(p => compare(sortKeyFromItem(p.value!.page[0]), key) > 0)
    const target = next === -1 ? last : loaded[next - 1]
    const items = target.value!.page
    const at = items.findIndex(i => compare(sortKeyFromItem(i), key) >= 0)
    setPage(localQueryStore, paginatedQuery, target, at === -1 ? [...items, item] : [...items.slice(0, at), item, ...items.slice(at)])
  }
}

/**
 * Replaces every loaded item of the lists of `paginatedQuery` whose arguments (without
 * `paginationOpts`) equal `args` with `updateValue(item)`.
 *
 * @example
 * optimisticallyUpdateValueInPaginatedQuery(localStore, api.messages.page, {}, m => m._id === id ? { ...m, body } : m)
 */
export function optimisticallyUpdateValueInPaginatedQuery<Query extends PaginatedQueryReference>(
  localStore: OptimisticLocalStore,
  query: Query,
  args: PaginatedQueryArgs<Query>,
  updateValue: (item: PaginatedQueryItem<Query>) => PaginatedQueryItem<Query>,
): void {
  const expected = JSON.stringify(convexToJson(args as Value))
  for (const page of pageQueries(localStore, query)) {
    const { paginationOpts: _, ...rest } = page.args
    if (page.value && Array.isArray(page.value.page) && JSON.stringify(convexToJson(rest as Value)) === expected)
      setPage(localStore, query, page, page.value.page.map(updateValue))
  }
}
