// @vitest-environment node
import { ConvexHttpClient } from 'convex/browser'
import { describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createConvexVue, useConvexClient } from '.'
import { api } from '../../../docs/backend'
import { useConvexAction } from '../useConvexAction'
import { useConvexAuth } from '../useConvexAuth'
import { useConvexConnectionState } from '../useConvexConnectionState'
import { useConvexMutation } from '../useConvexMutation'
import { useConvexPaginatedQuery } from '../useConvexPaginatedQuery'
import { useConvexQuery } from '../useConvexQuery'

function silence() {
  const spies = (['log', 'info', 'warn', 'error'] as const).map(m => vi.spyOn(console, m))
  return () => {
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  }
}

describe('server-side rendering', () => {
  it('renders every composable with no socket and no console output', async () => {
    const done = silence()
    const WebSocketSpy = vi.fn()
    vi.stubGlobal('WebSocket', WebSocketSpy)
    let client: unknown
    const App = defineComponent({
      setup() {
        client = useConvexClient()
        const action = useConvexAction(api.ai.generate)
        const mutation = useConvexMutation(api.messages.send)
        // Skipped: a fetched list is covered with a backend in useConvexPaginatedQuery's tests.
        const pages = useConvexPaginatedQuery(api.messages.page, 'skip', { initialNumItems: 5 })
        const { isWebSocketConnected } = useConvexConnectionState()
        const { isAuthenticated } = useConvexAuth()
        return () => h('p', [action.status.value, mutation.status.value, pages.status.value, String(isWebSocketConnected.value), String(isAuthenticated.value)].join(' '))
      },
    })
    const app = createSSRApp(App)
    const fetchToken = vi.fn(async () => 'token')
    app.use(createConvexVue({ url: 'https://happy-otter-123.convex.cloud', auth: fetchToken }))
    const html = await renderToString(app)
    // The page renders as the signed-in user: the token is fetched once and set on the HTTP client.
    expect(html).toBe('<p>idle idle LoadingFirstPage false true</p>')
    expect(client).toBeInstanceOf(ConvexHttpClient)
    expect(fetchToken).toHaveBeenCalledTimes(1)
    expect(fetchToken).toHaveBeenCalledWith({ forceRefreshToken: false })
    expect((client as any).auth).toBe('token')
    expect(WebSocketSpy).not.toHaveBeenCalled()
    vi.unstubAllGlobals()
    done()
  })

  it('fetches queries once over HTTP, renders their result and keeps it for hydration', async () => {
    const done = silence()
    const http = { query: vi.fn(async (_ref: unknown, args: { name: string }) => args.name.length) }
    const App = defineComponent({
      setup() {
        const { data, status } = useConvexQuery(api.counter.get, { name: 'four' })
        return () => h('p', `${status.value} ${data.value}`)
      },
    })
    const plugin = createConvexVue({ client: http })
    const app = createSSRApp(App).use(plugin)
    expect(await renderToString(app)).toBe('<p>success 4</p>')
    expect(http.query).toHaveBeenCalledTimes(1)
    expect(JSON.parse(JSON.stringify(plugin.state))).toEqual({ queries: { 'counter:get:{"name":"four"}': 4 } })
    done()
  })
})
