// The per-query rendering options, as Nuxt's useAsyncData names them: `server: false` (left to
// the browser), `subscribe: false` (fetched once, no subscription) and `default` (a placeholder).
import type { ConvexClientLike } from '@vueuse-convex/core'
import { createConvexVue, useConvexAuth, useConvexPaginatedQuery, useConvexQueries, useConvexQuery } from '@vueuse-convex/core'
import { makeFunctionReference } from 'convex/server'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h, nextTick, ref } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { api } from '../../docs/backend'
import { flushPromises, useSetup } from '../../packages/core/_test'
import { useTestConvex } from './helpers'

/** A server-side client (no `onUpdate`) whose fetches are counted. */
function serverClient(value: unknown = 1) {
  return { query: vi.fn(async () => value) } satisfies ConvexClientLike
}

/** Renders `setup`'s view on the server, then hydrates it in the browser on `client`. */
async function renderThenHydrate(setup: () => () => string, server: ConvexClientLike, client: ConvexClientLike) {
  const App = defineComponent({ setup: () => {
    const view = setup()
    return () => h('p', view())
  } })
  const plugin = createConvexVue({ client: server })
  const html = await renderToString(createSSRApp(App).use(plugin))
  const state = JSON.parse(JSON.stringify(plugin.state))
  const container = document.createElement('div')
  container.innerHTML = html
  const warn = vi.spyOn(console, 'warn')
  const app = createSSRApp(App).use(createConvexVue({ client, initialState: state }))
  app.mount(container)
  const firstFrame = container.innerHTML
  expect(warn).not.toHaveBeenCalled() // no hydration mismatch
  warn.mockRestore()
  return { html, state, container, firstFrame, app }
}

describe('server: false', () => {
  const convex = useTestConvex()

  it('useConvexQuery renders pending (its default) on the server without fetching, then loads live in the browser', async () => {
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'later', value: 3 }))
    const server = serverClient(99)
    const { html, state, container, firstFrame } = await renderThenHydrate(() => {
      const { data, status } = useConvexQuery(api.counter.get, { name: 'later' }, { server: false, default: () => 0 })
      return () => `${status.value} ${data.value}`
    }, server, convex.client)
    expect(server.query).not.toHaveBeenCalled()
    expect(html).toBe('<p>pending 0</p>')
    expect(state.queries).toEqual({})
    expect(firstFrame).toBe('<p>pending 0</p>')
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 3</p>'))
    await convex.client.mutation(api.counter.increment, { name: 'later' })
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 4</p>'))
  })

  it('an awaited query left to the browser does not hold up the server render', async () => {
    const server = serverClient()
    const App = defineComponent({ async setup() {
      const { status } = await useConvexQuery(api.counter.get, { name: 'x' }, { server: false })
      return () => h('p', status.value)
    } })
    const html = await renderToString(createSSRApp(defineComponent({ setup: () => () => h(App) })).use(createConvexVue({ client: server })))
    expect(html).toBe('<p>pending</p>')
  })

  it('useConvexQueries and useConvexPaginatedQuery leave every key / page to the browser', async () => {
    await convex.client.mutation(api.messages.send, { author: 'ada', body: 'hi' })
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'n', value: 5 }))
    const server = serverClient({ page: [], isDone: true, continueCursor: '' })
    const { html, container } = await renderThenHydrate(() => {
      const results = useConvexQueries({ n: { query: api.counter.get, args: { name: 'n' }, default: () => -1 } }, { server: false })
      const list = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 5, server: false, default: () => [] })
      return () => `${results.n.status} ${results.n.data} ${list.status.value} ${list.results.value.map(m => m.body).join()}`
    }, server, convex.client)
    expect(server.query).not.toHaveBeenCalled()
    expect(html).toBe('<p>pending -1 LoadingFirstPage </p>')
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 5 Exhausted hi</p>'))
  })
})

describe('subscribe: false', () => {
  const convex = useTestConvex()

  it('fetches once over HTTP, opens no subscription, and fetches again for new arguments', async () => {
    await convex.backend.run(async (ctx) => {
      await ctx.db.insert('counters', { name: 'a', value: 1 })
      await ctx.db.insert('counters', { name: 'b', value: 2 })
    })
    const subscribe = vi.spyOn(convex.client.client, 'subscribe')
    const name = ref('a')
    const { result } = useSetup(() => useConvexQuery(api.counter.get, () => ({ name: name.value }), { subscribe: false }), [convex])
    expect(result.status.value).toBe('pending')
    await vi.waitFor(() => expect(result.data.value).toBe(1))
    expect(result.status.value).toBe('success')
    await convex.client.mutation(api.counter.increment, { name: 'a' })
    await flushPromises()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(result.data.value).toBe(1) // not live
    name.value = 'b'
    await nextTick()
    expect(result.status.value).toBe('pending')
    await vi.waitFor(() => expect(result.data.value).toBe(2))
    expect(subscribe).not.toHaveBeenCalled()
    expect(convex.backend.subscriptionCount).toBe(0)
  })

  it('runs as the signed-in user, once the plugin knows who that is', async () => {
    const subscribe = vi.spyOn(convex.client.client, 'subscribe')
    const token = convex.backend.createToken({ sub: 'ada', name: 'Ada' })
    const { result } = useSetup(() => {
      // Signing in starts with the page: the query waits until the server confirmed the token.
      useConvexAuth().setAuth(async () => token)
      return useConvexQuery(api.users.me, {}, { subscribe: false })
    }, [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('success'))
    expect(result.data.value).toEqual({ subject: 'ada', name: 'Ada' })
    expect(subscribe).not.toHaveBeenCalled()
  })

  it('uses a result rendered on the server as it is, with no fetch at all', async () => {
    const server = serverClient(41)
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const subscribe = vi.spyOn(convex.client.client, 'subscribe')
    const { html, container } = await renderThenHydrate(() => {
      const { data, status } = useConvexQuery(api.counter.get, { name: 'ssr' }, { subscribe: false })
      return () => `${status.value} ${data.value}`
    }, server, convex.client)
    expect(html).toBe('<p>success 41</p>')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(container.innerHTML).toBe('<p>success 41</p>')
    expect(fetchSpy).not.toHaveBeenCalled()
    expect(subscribe).not.toHaveBeenCalled()
    fetchSpy.mockRestore()
  })

  it('an error comes back as the query\'s error', async () => {
    const missing = makeFunctionReference<'query'>('users:nope')
    const { result } = useSetup(() => useConvexQuery(missing, {}, { subscribe: false }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('error'))
    expect(result.error.value!.message).toMatch(/users:nope/)
  })

  it('useConvexPaginatedQuery fetches each page once; loadMore fetches the next', async () => {
    for (const body of ['1', '2', '3'])
      await convex.client.mutation(api.messages.send, { author: 'ada', body })
    const subscribe = vi.spyOn(convex.client.client, 'subscribe')
    const { result } = useSetup(() => useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 2, subscribe: false }), [convex])
    await vi.waitFor(() => expect(result.status.value).toBe('CanLoadMore'))
    expect(result.results.value.map(m => m.body)).toEqual(['3', '2'])
    expect(result.loadMore(2)).toBe(true)
    await vi.waitFor(() => expect(result.status.value).toBe('Exhausted'))
    expect(result.results.value.map(m => m.body)).toEqual(['3', '2', '1'])
    await convex.client.mutation(api.messages.send, { author: 'ada', body: '4' })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(result.results.value).toHaveLength(3)
    expect(subscribe).not.toHaveBeenCalled()
  })
})

describe('default', () => {
  const convex = useTestConvex()

  it('is what data holds while there is no result, and again when skipped', async () => {
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'd', value: 8 }))
    const args = ref<{ name: string } | 'skip'>({ name: 'd' })
    const { result } = useSetup(() => useConvexQuery(api.counter.get, args, { default: () => 0 }), [convex])
    expect(result.data.value).toBe(0)
    expect(result.status.value).toBe('pending')
    await vi.waitFor(() => expect(result.data.value).toBe(8))
    args.value = 'skip'
    await nextTick()
    expect(result.data.value).toBe(0)
    expect(result.status.value).toBe('idle')
  })

  it('types data with the placeholder instead of undefined', () => {
    const run = () => {
      const withDefault = useConvexQuery(api.counter.get, { name: 'x' }, { default: () => 0 })
      expectTypeOf(withDefault.data.value).toEqualTypeOf<number>()
      const without = useConvexQuery(api.counter.get, { name: 'x' })
      expectTypeOf(without.data.value).toEqualTypeOf<number | undefined>()
      const list = useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 1, default: () => [] })
      expectTypeOf(list.results.value[0].body).toEqualTypeOf<string>()
      // @ts-expect-error the placeholder must be a list of the query's items
      useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 1, default: () => [1] })
      // @ts-expect-error not an option
      useConvexQuery(api.counter.get, { name: 'x' }, { serverSide: false })
    }
    expect(run).toBeTypeOf('function')
  })
})
