// @vitest-environment node
// Signed-in server-side rendering: the page renders as the user whose token the app gives,
// over HTTP against a served backend, and says so to the browser.
import type { TestConvexServer } from '@vueuse-convex/testing/node'
import { createTestConvex, createTestToken } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createConvexVue } from '.'
import { api, modules, schema } from '../../../docs/backend'
import { Authenticated, AuthLoading, Unauthenticated, useConvexAuth } from '../useConvexAuth'
import { useConvexQuery } from '../useConvexQuery'

let convex: ReturnType<typeof createTestConvex>
let server: TestConvexServer

beforeAll(async () => {
  convex = createTestConvex({ schema, modules })
  server = await serveTestConvex(convex.backend)
})
afterAll(async () => {
  await server.close()
  await convex.close()
})

const Page = defineComponent({
  setup() {
    const me = useConvexQuery(api.users.me, {})
    return () => h('main', [
      h('p', me.data.value ? `hello ${me.data.value.name}` : 'hello nobody'),
      h(Authenticated, null, () => h('span', 'in')),
      h(Unauthenticated, null, () => h('span', 'out')),
      h(AuthLoading, null, () => h('span', 'loading')),
    ])
  },
})

/** A component that reads only the auth state, with nothing to fetch. */
const Badge = defineComponent({
  setup() {
    const { isAuthenticated } = useConvexAuth()
    return () => h('b', isAuthenticated.value ? 'signed in' : 'signed out')
  },
})

async function render(auth?: Parameters<typeof createConvexVue>[0]['auth']) {
  const plugin = createConvexVue({ url: server.url, auth })
  const html = (await renderToString(createSSRApp(() => h('div', [h(Badge), h(Page)])).use(plugin)))
    .replace(/<!--.*?-->/g, '') // Vue's fragment and empty-slot markers
  return { html, state: JSON.parse(JSON.stringify(plugin.state)) }
}

describe('server-side rendering for a signed-in user', () => {
  it('runs the queries as the user of the token, and renders the gates signed in', async () => {
    const token = createTestToken({ sub: 'ada', name: 'Ada' })
    const { html, state } = await render(async () => {
      await new Promise(resolve => setTimeout(resolve, 20)) // a slow cookie store or provider
      return token
    })
    expect(html).toBe('<div><b>signed in</b><main><p>hello Ada</p><span>in</span></main></div>')
    expect(state.auth).toEqual({ isAuthenticated: true })
    expect(Object.values(state.queries)).toEqual([{ subject: 'ada', name: 'Ada' }])
  })

  it('takes a reactive provider as in the browser', async () => {
    const token = createTestToken({ sub: 'bo', name: 'Bo' })
    const { html, state } = await render({ isLoading: false, isAuthenticated: true, fetchAccessToken: async () => token })
    expect(html).toContain('<p>hello Bo</p><span>in</span>')
    expect(state.auth).toEqual({ isAuthenticated: true })
  })

  it('renders signed out when there is no token, or the provider fails', async () => {
    for (const auth of [async () => null, async () => {
      throw new Error('identity provider down')
    }]) {
      const { html, state } = await render(auth)
      expect(html).toBe('<div><b>signed out</b><main><p>hello nobody</p><span>out</span></main></div>')
      expect(state.auth).toEqual({ isAuthenticated: false })
    }
  })

  it('without an auth option, says nothing about the user', async () => {
    const { state } = await render()
    expect(state.auth).toBeUndefined()
  })
})
