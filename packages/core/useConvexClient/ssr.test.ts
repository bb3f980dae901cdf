// @vitest-environment node
import { ConvexHttpClient } from 'convex/browser'
import { describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createConvexVue, useConvexClient } from '.'
import { api } from '../../../docs/backend'
import { useConvexAction } from '../useConvexAction'

describe('server-side rendering', () => {
  it('renders components that use the composables without a socket or console output', async () => {
    const log = vi.spyOn(console, 'log')
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    const WebSocketSpy = vi.fn()
    vi.stubGlobal('WebSocket', WebSocketSpy)
    let client: unknown
    const App = defineComponent({
      setup() {
        client = useConvexClient()
        const { status, pending, data } = useConvexAction(api.ai.generate)
        return () => h('p', `${status.value} ${pending.value} ${data.value ?? 'none'}`)
      },
    })
    const app = createSSRApp(App)
    app.use(createConvexVue({ url: 'https://happy-otter-123.convex.cloud' }))
    const html = await renderToString(app)
    expect(html).toBe('<p>idle false none</p>')
    expect(client).toBeInstanceOf(ConvexHttpClient)
    expect(WebSocketSpy).not.toHaveBeenCalled()
    expect(log).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
    vi.unstubAllGlobals()
  })
})
