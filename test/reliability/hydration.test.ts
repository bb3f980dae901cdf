// Server-rendered HTML with query results hydrates in the browser without a loading state.
import { Authenticated, AuthLoading, createConvexVue, Unauthenticated, useConvexAuth, useConvexQuery } from '@vueuse-convex/core'
import { createTestToken } from '@vueuse-convex/testing'
import { ConvexError } from 'convex/values'
import { describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h, ref } from 'vue'
import { api } from '../../docs/backend'
import { useTestConvex } from './helpers'

describe('hydration', () => {
  const convex = useTestConvex()

  it('adopts the server HTML and state, then goes live', async () => {
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'ssr', value: 4 }))
    const container = document.createElement('div')
    container.innerHTML = '<p>success 4</p>' // what renderToString produced on the server
    const statuses: string[] = []
    const App = defineComponent({
      setup() {
        const { data, status } = useConvexQuery(api.counter.get, { name: 'ssr' })
        statuses.push(status.value)
        return () => h('p', `${status.value} ${data.value}`)
      },
    })
    createSSRApp(App)
      .use(createConvexVue({ client: convex.client, initialState: { queries: { 'counter:get:{"name":"ssr"}': 4 } } }))
      .mount(container)
    expect(statuses).toEqual(['success'])
    expect(container.innerHTML).toBe('<p>success 4</p>')
    await convex.client.mutation(api.counter.increment, { name: 'ssr' })
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 5</p>'))
    expect(warn).not.toHaveBeenCalled() // no hydration mismatch
    expect(error).not.toHaveBeenCalled()
    warn.mockRestore()
    error.mockRestore()
  })

  it('renders a query that fails on the server as an error, hydrates the same error, then recovers live', async () => {
    const { renderToString } = await import('vue/server-renderer')
    const App = defineComponent({
      setup() {
        const { data, status, error } = useConvexQuery(api.counter.get, { name: 'flaky' })
        return () => h('p', status.value === 'error' ? `error ${error.value!.message}` : `${status.value} ${data.value}`)
      },
    })
    // The server: the query fails (its backend is down), with a ConvexError's data.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failing = { query: vi.fn(async () => {
      throw Object.assign(new Error('[CONVEX Q(counter:get)] Uncaught ConvexError: unavailable'), { data: { code: 'unavailable' } })
    }) }
    const plugin = createConvexVue({ client: failing })
    const html = await renderToString(createSSRApp(App).use(plugin))
    expect(html).toBe('<p>error [CONVEX Q(counter:get)] Uncaught ConvexError: unavailable</p>')
    expect(logged).toHaveBeenCalledTimes(1)
    expect(String(logged.mock.calls[0][0])).toMatch(/^\[vueuse-convex\] The query counter:get failed while rendering on the server: .*unavailable/)
    logged.mockRestore()
    const state = JSON.parse(JSON.stringify(plugin.state))
    expect(state.errors).toEqual({ 'counter:get:{"name":"flaky"}': { message: '[CONVEX Q(counter:get)] Uncaught ConvexError: unavailable', data: { code: 'unavailable' } } })

    // The browser: the same error in the first render, no mismatch, then the live result.
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'flaky', value: 7 }))
    const container = document.createElement('div')
    container.innerHTML = html
    let hydrated: Error | null | undefined
    createSSRApp(defineComponent({
      setup() {
        const query = useConvexQuery(api.counter.get, { name: 'flaky' })
        hydrated = query.error.value
        return () => h(App)
      },
    })).use(createConvexVue({ client: convex.client, initialState: state })).mount(container)
    expect(hydrated).toBeInstanceOf(ConvexError)
    expect((hydrated as ConvexError<{ code: string }>).data).toEqual({ code: 'unavailable' })
    expect(container.innerHTML).toBe(html)
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 7</p>'))
    expect(warn).not.toHaveBeenCalled() // no hydration mismatch
    expect(error).not.toHaveBeenCalled()
    warn.mockRestore()
    error.mockRestore()
  })

  /** A page with the user's name and the three gates, as a signed-in server rendered it. */
  const SignedInPage = defineComponent({
    setup() {
      const me = useConvexQuery(api.users.me, {})
      return () => h('main', [
        h('p', me.data.value?.name ?? 'nobody'),
        h(Authenticated, null, () => h('span', 'in')),
        h(Unauthenticated, null, () => h('span', 'out')),
        h(AuthLoading, null, () => h('span', 'loading')),
      ])
    },
  })
  const SIGNED_IN_HTML = '<main><p>Ada</p><!--[--><span>in</span><!--]--><!----><!----></main>'
  const SIGNED_IN_STATE = { queries: { 'users:me:{}': { subject: 'ada', name: 'Ada' } }, auth: { isAuthenticated: true } }

  it('hydrates a page rendered signed in as signed in, with no loading gate, while the provider still loads', async () => {
    const warn = vi.spyOn(console, 'warn')
    const container = document.createElement('div')
    container.innerHTML = SIGNED_IN_HTML
    const providerLoading = ref(true) // the identity provider's SDK has not loaded yet
    const fetchAccessToken = vi.fn(async () => createTestToken({ sub: 'ada', name: 'Ada' }))
    const plugin = createConvexVue({
      client: convex.client,
      initialState: structuredClone(SIGNED_IN_STATE),
      auth: { isLoading: providerLoading, isAuthenticated: () => !providerLoading.value, fetchAccessToken },
    })
    const seen: string[] = []
    const app = createSSRApp(defineComponent({
      setup() {
        const auth = useConvexAuth()
        return () => {
          seen.push(`${auth.isLoading.value} ${auth.isAuthenticated.value}`)
          return h(SignedInPage)
        }
      },
    })).use(plugin)
    app.mount(container)
    expect(container.innerHTML).toBe(SIGNED_IN_HTML)
    expect(warn).not.toHaveBeenCalled() // no hydration mismatch
    providerLoading.value = false
    await vi.waitFor(() => expect(fetchAccessToken).toHaveBeenCalled())
    await convex.flush()
    await new Promise(resolve => setTimeout(resolve, 20))
    // Never a loading or signed-out frame: signed in from the first render to the confirmed token.
    expect(new Set(seen)).toEqual(new Set(['false true']))
    expect(container.innerHTML).toBe(SIGNED_IN_HTML)
    app.unmount()
    warn.mockRestore()
  })

  it('a page rendered signed in, whose app sets no token in the browser, reads signed out after hydrating', async () => {
    const container = document.createElement('div')
    container.innerHTML = SIGNED_IN_HTML
    const plugin = createConvexVue({ client: convex.client, initialState: structuredClone(SIGNED_IN_STATE) })
    const app = createSSRApp(SignedInPage).use(plugin)
    app.mount(container)
    await vi.waitFor(() => expect(container.querySelector('span')?.textContent).toBe('out'))
    app.unmount()
  })
})
