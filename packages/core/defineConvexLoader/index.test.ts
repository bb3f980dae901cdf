import type { Value } from 'convex/values'
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import type { UseDataLoader } from 'vue-router/experimental'
import type { ConvexSsrState } from '../useConvexClient'
import { ConvexHttpClient } from 'convex/browser'
import { ConvexError } from 'convex/values'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, createSSRApp, defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { DataLoaderPlugin, defineBasicLoader } from 'vue-router/experimental'
import { renderToString } from 'vue/server-renderer'
import { defineConvexLoader } from '.'
import { api } from '../../../docs/backend'
import { useTestConvex } from '../_test'
import { createConvexVue } from '../useConvexClient'

const convex = useTestConvex()

afterEach(() => {
  vi.restoreAllMocks()
})

/** Long enough that the backend never answers during the test: the query is "in flight". */
const NEVER = 10 * 60_000

const useCounter = defineConvexLoader(api.counter.get, route => ({ name: route.params.name as string }))
const useMessages = defineConvexLoader(api.messages.list, () => ({}))

/** A page that shows what its loaders hold. */
function page(...loaders: UseDataLoader<any, any>[]): Component {
  return defineComponent({
    setup() {
      const results = loaders.map(useLoader => useLoader())
      return () => h('p', results.map(r => r.error.value ? `error: ${r.error.value.message}` : JSON.stringify(r.data.value)).join(' | '))
    },
  })
}

const Home = defineComponent(() => () => h('p', 'home'))
const CounterPage = page(useCounter)
const BothPage = page(useCounter, useMessages)
const routes: RouteRecordRaw[] = [
  { path: '/', component: Home },
  { path: '/counter/:name', component: CounterPage, meta: { loaders: [useCounter] } },
  { path: '/both/:name', component: BothPage, meta: { loaders: [useCounter, useMessages] } },
]

/** An app in the browser: the plugin on the test backend's client, data loaders, a router in memory. */
async function mountApp(options: { initialState?: ConvexSsrState } = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  const app = createApp(defineComponent(() => () => h(RouterView)))
  app.use(createConvexVue({ client: convex.client, initialState: options.initialState }))
  app.use(DataLoaderPlugin, { router })
  app.use(router)
  const root = document.createElement('div')
  app.mount(root)
  await router.isReady()
  return { router, app, root }
}

/**
 * The query-set changes the browser's client sends, as the backend receives them:
 * `+counter:get {"name":"a"}` for a subscription, `-…` when it ends.
 */
function querySetLog(): () => string[] {
  const send = vi.spyOn(convex.backend.WebSocket.prototype, 'send')
  return () => {
    const ids = new Map<number, string>()
    return send.mock.calls.flatMap(([data]) => {
      const message = JSON.parse(String(data))
      if (message.type !== 'ModifyQuerySet')
        return []
      return message.modifications.map((m: { type: string, queryId: number, udfPath: string, args: unknown[] }) => {
        if (m.type === 'Add')
          ids.set(m.queryId, `${m.udfPath.replace(/\.js:/, ':')} ${JSON.stringify(m.args[0])}`)
        return `${m.type === 'Add' ? '+' : '-'}${ids.get(m.queryId)}`
      })
    })
  }
}

/** Whether the browser's client has a result of the query yet (it came over the socket). */
function hasResult(udfPath: string, args: Record<string, Value>): boolean {
  return convex.client.client.localQueryResult(udfPath, args) !== undefined
}

describe('defineConvexLoader', () => {
  it('loads the page\'s query before the navigation ends: the first render has its data, and it stays live', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 3 })
    const { router, root } = await mountApp()
    await router.push('/counter/a')
    expect(router.currentRoute.value.path).toBe('/counter/a')
    // No loading state: the page rendered with the value.
    expect(root.textContent).toBe('3')
    await convex.client.mutation(api.counter.increment, { name: 'a' })
    await vi.waitFor(() => expect(root.textContent).toBe('4'))
  })

  it('runs a page\'s loaders in parallel', async () => {
    const log = querySetLog()
    const { router } = await mountApp()
    convex.backend.setLatency(api.counter.get, NEVER)
    const navigation = router.push('/both/a')
    // The first loader's query never answers: one after the other, the second would never start.
    await vi.waitFor(() => expect(log()).toEqual(expect.arrayContaining(['+counter:get {"name":"a"}', '+messages:list {}'])))
    expect(router.currentRoute.value.path).toBe('/')
    // Going elsewhere cancels the navigation: what it opened ends.
    await router.push('/?elsewhere')
    expect(await navigation).toBeTruthy() // a navigation failure: cancelled
    expect(log()).toEqual(expect.arrayContaining(['-counter:get {"name":"a"}', '-messages:list {}']))
  })

  it('the navigation waits for every loader: one with its data does not show the page alone', async () => {
    // The messages are live already (another part of the app reads them): that loader answers at once.
    const other = convex.client.onUpdate(api.messages.list, {}, () => {})
    await convex.flush()
    const { router, root } = await mountApp()
    convex.backend.setLatency(api.counter.get, NEVER)
    const navigation = router.push('/both/a')
    await vi.waitFor(() => expect(hasResult('messages:list', {})).toBe(true))
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(router.currentRoute.value.path).toBe('/')
    expect(root.textContent).toBe('home')
    await router.push('/?elsewhere')
    await navigation
    other.unsubscribe()
  })

  it('shows the page once both loaders have their data, with both in the first render', async () => {
    await convex.client.mutation(api.messages.send, { author: 'ada', body: 'hi' })
    const { router, root } = await mountApp()
    await router.push('/both/a')
    expect(root.textContent).toMatch(/^0 \| \[\{.*"body":"hi".*\}\]$/)
  })

  it('a route parameter change subscribes to the new arguments and ends the old subscription', async () => {
    const log = querySetLog()
    const { router, root } = await mountApp()
    await router.push('/counter/a')
    await router.push('/counter/b')
    expect(root.textContent).toBe('0')
    expect(log()).toEqual(['+counter:get {"name":"a"}', '+counter:get {"name":"b"}', '-counter:get {"name":"a"}'])
    await convex.flush()
    expect(convex.backend.subscriptionCount).toBe(1)
    // The new arguments are live.
    await convex.client.mutation(api.counter.increment, { name: 'b', by: 7 })
    await vi.waitFor(() => expect(root.textContent).toBe('7'))
    // The same arguments (a query string the loader does not read) keep the subscription.
    await router.push('/counter/b?tab=2')
    expect(root.textContent).toBe('7')
    expect(log()).toHaveLength(3)
  })

  it('an aborted navigation unsubscribes what it opened; the page shown keeps its own', async () => {
    const log = querySetLog()
    const { router, root } = await mountApp()
    await router.push('/counter/a')
    convex.backend.setLatency(api.counter.get, NEVER)
    const aborted = router.push('/counter/b')
    await vi.waitFor(() => expect(log()).toContain('+counter:get {"name":"b"}'))
    // Another navigation (to the page shown, with another query string) cancels it.
    await router.push('/counter/a?again')
    expect(await aborted).toBeTruthy() // a navigation failure: cancelled
    expect(router.currentRoute.value.fullPath).toBe('/counter/a?again')
    expect(log()).toEqual(['+counter:get {"name":"a"}', '+counter:get {"name":"b"}', '-counter:get {"name":"b"}'])
    // The page shown kept its subscription (no `-counter:get {"name":"a"}`) and its data.
    expect(root.textContent).toBe('0')
  })

  it('leaving the page ends its subscription; coming back subscribes again', async () => {
    const log = querySetLog()
    const { router, root } = await mountApp()
    await router.push('/counter/a')
    await router.push('/')
    expect(log()).toEqual(['+counter:get {"name":"a"}', '-counter:get {"name":"a"}'])
    await router.push('/counter/a')
    expect(root.textContent).toBe('0')
    expect(log()).toHaveLength(3)
  })

  it('with keepAliveMs, a page left and come back to within it shows the live value at once, with no new subscription', async () => {
    const useKept = defineConvexLoader(api.counter.get, route => ({ name: String(route.params.name) }), { keepAliveMs: 60_000 })
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/', component: Home },
      { path: '/kept/:name', component: page(useKept), meta: { loaders: [useKept] } },
    ] })
    const app = createApp(defineComponent(() => () => h(RouterView)))
    app.use(createConvexVue({ client: convex.client })).use(DataLoaderPlugin, { router }).use(router)
    const root = document.createElement('div')
    app.mount(root)
    const log = querySetLog()
    await router.push('/kept/a')
    await router.push('/')
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 2 }) // while away: still live
    await convex.flush()
    convex.backend.setLatency(api.counter.get, NEVER) // a new subscription could not answer
    await router.push('/kept/a')
    expect(root.textContent).toBe('2')
    expect(log()).toEqual(['+counter:get {"name":"a"}'])
  })

  it('the first navigation in the browser takes the server render\'s result, with no query of its own', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 5 })
    // The server: an HTTP client, data loaders in SSR mode.
    const http = new ConvexHttpClient(convex.backend.url, { skipConvexDeploymentUrlCheck: true })
    const serverRouter = createRouter({ history: createMemoryHistory(), routes })
    const server = createConvexVue({ client: http as never })
    const serverApp = createSSRApp(defineComponent(() => () => h(RouterView)))
    serverApp.use(server).use(DataLoaderPlugin, { router: serverRouter, isSSR: true }).use(serverRouter)
    await serverRouter.push('/counter/a')
    expect(await renderToString(serverApp)).toBe('<p>5</p>')
    const initialState = JSON.parse(JSON.stringify(server.state)) as ConvexSsrState

    // The browser: the query cannot answer (it would take minutes), yet the page shows at once.
    const fetch = vi.spyOn(globalThis, 'fetch')
    const log = querySetLog()
    convex.backend.setLatency(api.counter.get, NEVER)
    const { router, root } = await mountApp({ initialState })
    await router.push('/counter/a')
    expect(root.textContent).toBe('5')
    expect(hasResult('counter:get', { name: 'a' })).toBe(false)
    // One subscription, to keep the page live; no HTTP query.
    expect(log()).toEqual(['+counter:get {"name":"a"}'])
    expect(fetch).not.toHaveBeenCalled()
  })

  it('an error of the first result aborts the navigation and ends its subscription; accepted by `errors`, the page shows it and recovers live', async () => {
    const args = (route: { params: Record<string, unknown> }) => ({ name: String(route.params.name) })
    const useFlaky = defineConvexLoader(api.reliability.failWhile, args)
    const useTolerant = defineConvexLoader(api.reliability.failWhile, args, { errors: [ConvexError] })
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/', component: Home },
      { path: '/flaky/:name', component: page(useFlaky), meta: { loaders: [useFlaky] } },
      { path: '/tolerant/:name', component: page(useTolerant), meta: { loaders: [useTolerant] } },
    ] })
    const app = createApp(defineComponent(() => () => h(RouterView)))
    app.use(createConvexVue({ client: convex.client })).use(DataLoaderPlugin, { router }).use(router)
    const root = document.createElement('div')
    app.mount(root)
    await router.isReady()
    await convex.client.mutation(api.counter.increment, { name: 'x' }) // failWhile fails while the counter is above 0
    const log = querySetLog()
    const onError = vi.fn()
    router.onError(onError)
    await expect(router.push('/flaky/x')).rejects.toBeInstanceOf(ConvexError)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(router.currentRoute.value.path).toBe('/')
    expect(log()).toEqual(['+reliability:failWhile {"name":"x"}', '-reliability:failWhile {"name":"x"}'])
    await router.push('/tolerant/x')
    expect(root.textContent).toMatch(/^error: [\s\S]*"code":"unavailable"/)
    await convex.client.mutation(api.counter.increment, { name: 'x', by: -1 })
    await vi.waitFor(() => expect(root.textContent).toBe('0'))
  })

  it('another loader can await it: both load before the page shows, and its data stays live', async () => {
    const useDouble = defineBasicLoader(async () => 2 * await useCounter())
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/', component: Home },
      { path: '/double/:name', component: page(useDouble, useCounter), meta: { loaders: [useDouble] } },
    ] })
    const app = createApp(defineComponent(() => () => h(RouterView)))
    app.use(createConvexVue({ client: convex.client })).use(DataLoaderPlugin, { router }).use(router)
    const root = document.createElement('div')
    app.mount(root)
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 3 })
    await router.push('/double/a')
    expect(root.textContent).toBe('6 | 3')
    await convex.client.mutation(api.counter.increment, { name: 'a' })
    await vi.waitFor(() => expect(root.textContent).toBe('6 | 4'))
  })

  it('\'skip\' loads nothing: data is undefined and no query is subscribed', async () => {
    const useMaybe = defineConvexLoader(api.counter.get, route => (route.query.name ? { name: String(route.query.name) } : 'skip'))
    const log = querySetLog()
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Home }, { path: '/maybe', component: page(useMaybe), meta: { loaders: [useMaybe] } }] })
    const app = createApp(defineComponent(() => () => h(RouterView)))
    app.use(createConvexVue({ client: convex.client })).use(DataLoaderPlugin, { router }).use(router)
    const root = document.createElement('div')
    app.mount(root)
    await router.push('/maybe')
    expect(root.textContent).toBe('')
    expect(log()).toEqual([])
    await router.push('/maybe?name=z')
    expect(root.textContent).toBe('0')
    await router.push('/maybe')
    expect(root.textContent).toBe('')
    expect(log()).toEqual(['+counter:get {"name":"z"}', '-counter:get {"name":"z"}'])
  })

  it('says what to pass when the query is not a function reference or the arguments not a function', () => {
    expect(() => defineConvexLoader(api.counter as never, (() => ({})) as never)).toThrow(/api\.counter.*not one of its functions/)
    expect(() => defineConvexLoader(api.counter.get, { name: 'a' } as never)).toThrow(/a function of the route that returns the query's arguments/)
  })
})
