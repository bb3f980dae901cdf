import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, createSSRApp, defineComponent, effectScope, h, nextTick, ref, shallowRef, watch } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { useConvexPaginatedQuery } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'
import { createConvexVue } from '../useConvexClient'
import { useConvexQuery } from '../useConvexQuery'

const convex = useTestConvex()
beforeEach(async () => {
  await convex.backend.run(async (ctx) => {
    for (let i = 1; i <= 7; i++)
      await ctx.db.insert('messages', { author: i % 2 ? 'odd' : 'even', body: `m${i}` })
  })
})

const bodies = (items: Array<{ body: string }>) => items.map(m => m.body)

describe('useConvexPaginatedQuery', () => {
  it('loads the first page, then more on demand, until exhausted', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 3 }), [convex])
    expect(result.status.value).toBe('LoadingFirstPage')
    expect(result.isLoading.value).toBe(true)
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    expect(bodies(result.results.value)).toEqual(['m7', 'm6', 'm5'])
    expect(result.loadMore(3)).toBe(true)
    expect(result.status.value === 'LoadingMore' || result.results.value.length === 6).toBe(true)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(6))
    result.loadMore(3)
    await vi.waitFor(() => expect(result.status.value).toBe('Exhausted'))
    expect(bodies(result.results.value)).toEqual(['m7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1'])
    expect(result.loadMore(1)).toBe(false)
  })

  it('keeps loaded pages live and gapless when items are added', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [convex])
    await vi.waitFor(() => expect(result.results.value).toHaveLength(2))
    result.loadMore(2)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(4))
    await convex.client.mutation(api.messages.send, { author: 'new', body: 'm8' })
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m8', 'm7', 'm6', 'm5', 'm4']))
  })

  it('starts over when the arguments change', async () => {
    const author = shallowRef<string | undefined>('odd')
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, () => ({ author: author.value }), { initialNumItems: 10 }), [convex])
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m7', 'm5', 'm3', 'm1']))
    author.value = 'even'
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m6', 'm4', 'm2']))
    expect(result.status.value).toBe('Exhausted')
  })

  it('says what initialNumItems must be', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}) // Vue reports the setup error too
    expect(() => useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 0 }), [convex]))
      .toThrowError(/initialNumItems must be a positive whole number/)
    warn.mockRestore()
  })

  it('shows a failing first page as an error, keeps other queries live, and clears it on a good value', async () => {
    convex.backend.failNext(api.messages.page, new Error('page boom'))
    const { result } = useSetup(() => ({
      list: useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 3 }),
      count: useConvexQuery(api.counter.get, { name: 'other' }),
    }), [convex])
    await vi.waitFor(() => expect(result.list.error.value?.message).toMatch(/page boom/))
    expect(result.list.status.value).toBe('Error')
    expect(result.list.isLoading.value).toBe(false)
    expect(result.list.loadMore(3)).toBe(false)
    // The client is not frozen: another query still gets its values.
    await convex.client.mutation(api.counter.increment, { name: 'other' })
    await vi.waitFor(() => expect(result.count.data.value).toBe(1))
    // A write re-runs the page, which now succeeds.
    await convex.client.mutation(api.messages.send, { author: 'x', body: 'm8' })
    await vi.waitFor(() => expect(result.list.status.value).toBe('CanLoadMore'))
    expect(result.list.error.value).toBeNull()
    // Gapless from the newest; the page may have been pinned before m8 arrived (then it grew).
    expect(bodies(result.list.results.value).slice(0, 3)).toEqual(['m8', 'm7', 'm6'])
  })

  it('keeps the loaded items when a later page fails', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    convex.backend.failNext(api.messages.page, new Error('second page boom'))
    result.loadMore(2)
    await vi.waitFor(() => expect(result.error.value?.message).toMatch(/second page boom/))
    expect(result.status.value).toBe('Error')
    expect(bodies(result.results.value).slice(0, 2)).toEqual(['m7', 'm6'])
    expect(result.isLoading.value).toBe(false)
  })

  it('paginates every call on its own, even with the same query and arguments', async () => {
    const { result } = useSetup(() => ({
      a: useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 1 }),
      b: useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 1 }),
    }), [convex])
    await vi.waitFor(() => expect(result.a.results.value).toHaveLength(1))
    await vi.waitFor(() => expect(result.b.results.value).toHaveLength(1))
    result.a.loadMore(2)
    await vi.waitFor(() => expect(result.a.results.value).toHaveLength(3))
    await convex.flush()
    expect(result.b.results.value).toHaveLength(1)
    expect(result.b.status.value).toBe('CanLoadMore')
  })

  it('starts over from the first page, once, when the server no longer accepts a cursor', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.reliability.pageOrInvalidCursor, {}, { initialNumItems: 2 }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    result.loadMore(2)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(4))
    await convex.client.mutation(api.counter.increment, { name: 'invalidCursor' }) // later pages now fail
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m7', 'm6']))
    expect(result.status.value).toBe('CanLoadMore')
    expect(result.error.value).toBeNull()
    // When even the first page is refused, it says so instead of starting over forever.
    await convex.client.mutation(api.counter.increment, { name: 'invalidCursor' })
    await vi.waitFor(() => expect(result.status.value).toBe('Error'))
    expect(result.error.value?.message).toMatch(/InvalidCursor/)
  })

  it('splits a page that grew too large, gapless and ordered at every step', async () => {
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2 }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    result.loadMore(2)
    await vi.waitFor(() => expect(result.results.value).toHaveLength(4))
    const seen: string[][] = []
    watch(result.results, items => seen.push(bodies(items)), { flush: 'sync' })
    const pagesBefore = convex.backend.subscriptionCount
    // Newest first: every insert lands in the first page, which is pinned to its end cursor.
    for (let i = 8; i <= 20; i++)
      await convex.client.mutation(api.messages.send, { author: 'x', body: `m${i}` })
    const expected = [...Array.from({ length: 13 }, (_, i) => `m${20 - i}`), 'm7', 'm6', 'm5', 'm4']
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(expected))
    await convex.flush()
    // The first page was split (more page queries than the two loaded pages).
    expect(convex.backend.subscriptionCount).toBeGreaterThan(pagesBefore)
    expect(bodies(result.results.value)).toEqual(expected)
    // Every state shown was a gapless run of the list, ending at the last loaded item.
    for (const items of seen)
      expect(items).toEqual(expected.slice(expected.length - items.length))
    // Deletes inside the pages keep them gapless too.
    await convex.backend.run(async (ctx) => {
      for (const m of await ctx.db.query('messages').collect()) {
        if (['m9', 'm15', 'm6'].includes(m.body))
          await ctx.db.delete(m._id)
      }
    })
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(expected.filter(b => !['m9', 'm15', 'm6'].includes(b))))
  })

  it('keeps the previous items while new arguments load, with keepPreviousData', async () => {
    const author = ref('odd')
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, () => ({ author: author.value }), { initialNumItems: 10, keepPreviousData: true }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('Exhausted'))
    convex.backend.setLatency(30)
    author.value = 'even'
    await nextTick()
    expect(result.status.value).toBe('LoadingFirstPage')
    expect(result.isStale.value).toBe(true)
    expect(bodies(result.results.value)).toEqual(['m7', 'm5', 'm3', 'm1'])
    await vi.waitFor(() => expect(bodies(result.results.value)).toEqual(['m6', 'm4', 'm2']))
    expect(result.isStale.value).toBe(false)
  })

  it('re-subscribes only when the arguments really change; skip unsubscribes', async () => {
    const args = shallowRef<{ author?: string } | 'skip'>({ author: 'odd' })
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, args, { initialNumItems: 10 }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('Exhausted'))
    await convex.flush()
    const opened = convex.backend.stats.messagesIn
    args.value = { author: 'odd' } // equal arguments, new object
    await convex.flush()
    expect(convex.backend.stats.messagesIn).toBe(opened)
    expect(result.status.value).toBe('Exhausted')
    args.value = 'skip'
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
    expect(result.results.value).toEqual([])
  })

  it('arguments that turn unsendable after mount: an error, no escaped exception, recovery', async () => {
    const errorHandler = vi.fn()
    const author = ref<unknown>('odd')
    let list!: ReturnType<typeof useConvexPaginatedQuery<typeof api.messages.page>>
    const app = createApp(defineComponent({
      setup() {
        list = useConvexPaginatedQuery(api.messages.page, () => ({ author: author.value as string }), { initialNumItems: 10 })
        return () => h('div')
      },
    }))
    app.config.errorHandler = errorHandler
    app.use(convex).mount(document.createElement('div'))
    await vi.waitFor(() => expect(list.status.value).toBe('Exhausted'))
    author.value = new Date(0)
    await nextTick()
    expect(list.error.value?.message).toMatch(/useConvexPaginatedQuery\(\): the arguments of "messages:page" cannot be sent/)
    expect(list.isLoading.value).toBe(false)
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(0)
    author.value = 'even'
    await vi.waitFor(() => expect(bodies(list.results.value)).toEqual(['m6', 'm4', 'm2']))
    expect(errorHandler).not.toHaveBeenCalled()
    app.unmount()
  })

  it('renders the first page on the server and hydrates it without a loading state', async () => {
    const warn = vi.spyOn(console, 'warn')
    const statuses: string[] = []
    const App = defineComponent({
      setup() {
        const { results, status } = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 3 })
        return () => {
          statuses.push(status.value)
          return h('ul', results.value.map(m => h('li', m.body)))
        }
      },
    })
    // The server renders with a client that only fetches (as a ConvexHttpClient does).
    const http = { query: (reference: any, args: any) => convex.backend.t.query(reference, args) }
    const server = createConvexVue({ client: http })
    const html = await renderToString(createSSRApp(App).use(server))
    expect(html).toBe('<ul><li>m7</li><li>m6</li><li>m5</li></ul>')
    expect(statuses).toEqual(['CanLoadMore'])
    const state = JSON.parse(JSON.stringify(server.state))

    statuses.length = 0
    const container = document.createElement('div')
    container.innerHTML = html
    createSSRApp(App).use(createConvexVue({ client: convex.client, initialState: state })).mount(container)
    expect(statuses).toEqual(['CanLoadMore'])
    expect(container.innerHTML).toBe(html)
    await convex.flush() // the live first page has run (and pinned its end) before the write
    await convex.client.mutation(api.messages.send, { author: 'x', body: 'm8' })
    // The live first page is pinned where the first run ended, so it grows by the new item.
    await vi.waitFor(() => expect(container.innerHTML).toBe('<ul><li>m8</li><li>m7</li><li>m6</li><li>m5</li></ul>'))
    expect(statuses).not.toContain('LoadingFirstPage')
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
  })
})

describe('useConvexPaginatedQuery results', () => {
  interface Item { n: number }
  /**
   * A client whose page queries are answered from `pages` (page k after cursor `c<k>`), at
   * once unless the page is held back, and updated by hand.
   */
  function pagesClient(pageCount: number, size: number) {
    let last = 0
    const pages = Array.from({ length: pageCount }, () => Array.from({ length: size }, (): Item => ({ n: ++last })))
    const subscribers = new Map<number, (value: unknown) => void>()
    const held = new Set<number>()
    const value = (k: number) => ({ page: pages[k], isDone: k === pageCount - 1, continueCursor: `c${k + 1}`, splitCursor: null, pageStatus: null })
    const client = {
      onUpdate(_query: unknown, args: { paginationOpts: { cursor: string | null } }, onValue: (value: unknown) => void) {
        const k = args.paginationOpts.cursor === null ? 0 : Number(args.paginationOpts.cursor.slice(1))
        subscribers.set(k, onValue)
        return Object.assign(() => subscribers.delete(k), { getCurrentValue: () => (held.has(k) ? undefined : value(k)) })
      },
    }
    return {
      client,
      pages,
      held,
      /** Pages subscribed, in order. */
      loaded: () => subscribers.size,
      newItem: (): Item => ({ n: ++last }),
      set(k: number, items: Item[]) {
        pages[k] = items
        held.delete(k)
        subscribers.get(k)?.(value(k))
      },
    }
  }

  it('equal the loaded pages in order, whichever pages change and however many load', () => {
    const double = pagesClient(30, 5)
    const scope = effectScope()
    const list = scope.run(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 5, client: double.client }))!
    // A fixed pseudo-random walk: updates to the first, last and middle pages, one item or the
    // whole page, pages emptied and grown past the rest, and pages loaded in between.
    let seed = 7
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below
    for (let step = 0; step < 400; step++) {
      const loaded = double.loaded()
      const op = random(10)
      if (op === 0) {
        expect(list.loadMore(5)).toBe(loaded < 30)
      }
      else {
        const k = op < 3 ? 0 : op < 5 ? loaded - 1 : random(loaded)
        const items = [...double.pages[k]]
        if (op % 3 === 0)
          items.splice(random(items.length + 1), 0, double.newItem())
        else if (op % 3 === 1 && items.length)
          items.splice(random(items.length), 1)
        else
          items.splice(0, items.length, ...Array.from({ length: random(4) ? random(8) : 200 }, double.newItem))
        double.set(k, items)
      }
      const expected = double.pages.slice(0, double.loaded()).flat()
      const results: unknown[] = list.results.value
      expect(results.length).toBe(expected.length)
      expect(results.every((item, i) => item === expected[i])).toBe(true)
    }
    expect(double.loaded()).toBeGreaterThan(10)
    scope.stop()
  })

  it('are not replaced by loadMore until the new page has items', () => {
    const double = pagesClient(4, 3)
    const scope = effectScope()
    const list = scope.run(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 3, client: double.client }))!
    list.loadMore(3)
    const shown = list.results.value
    expect(shown).toHaveLength(6)
    let updates = 0
    scope.run(() => watch(list.results, () => updates++, { flush: 'sync' }))
    double.held.add(2)
    expect(list.loadMore(3)).toBe(true)
    expect(list.status.value).toBe('LoadingMore')
    // The same array: a rendered list has nothing to patch while the page loads.
    expect(list.results.value).toBe(shown)
    expect(updates).toBe(0)
    double.set(2, double.pages[2])
    expect(list.results.value).toHaveLength(9)
    expect(updates).toBe(1)
    scope.stop()
  })
})
