// Server-rendered HTML with query results hydrates in the browser without a loading state.
import { Authenticated, AuthLoading, createConvexVue, Unauthenticated, useConvexAuth, useConvexQuery } from '@vueuse-convex/core'
import { createTestToken } from '@vueuse-convex/testing'
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
