// isRefreshing / <AuthRefreshing> as convex/react has them, and a refused token never silent.
import type { TestConvex } from '@vueuse-convex/testing'
import { createTestConvex } from '@vueuse-convex/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, watch } from 'vue'
import { api, modules, schema } from '../../../docs/backend'
import { Authenticated, AuthRefreshing, createConvexVue, useConvexAuth, useConvexQuery } from '../index'

let convex: TestConvex
afterEach(() => convex?.close())

describe('isRefreshing', () => {
  it('is true while a signed-in client replaces a token the server refused on expiry; the other gates keep their content', async () => {
    convex = createTestConvex({ schema, modules })
    const fetchToken = vi.fn(async (_args: { forceRefreshToken: boolean }) => convex.backend.createToken({ sub: 'ada', name: 'Ada', expiresIn: 2 }))
    const seen: string[] = []
    const container = document.createElement('div')
    const App = defineComponent(() => {
      const auth = useConvexAuth()
      auth.setAuth(fetchToken)
      const me = useConvexQuery(api.users.me, {})
      watch(() => `${auth.isAuthenticated.value ? 'in' : 'out'}${auth.isRefreshing.value ? '+refreshing' : ''}`, s => seen.push(s), { immediate: true, flush: 'sync' })
      return () => h('div', [
        h(Authenticated, () => h('p', `signed in as ${me.data.value?.name}`)),
        h(AuthRefreshing, () => h('p', 'refreshing')),
      ])
    })
    const app = createApp(App).use(convex)
    app.mount(container)
    await vi.waitFor(() => expect(container.textContent).toBe('signed in as Ada'))
    // The 2 s token expires on the server, which refuses it; the client fetches a fresh one.
    const calls = fetchToken.mock.calls.length
    await vi.waitFor(() => expect(seen).toContain('in+refreshing'), { timeout: 4000, interval: 5 })
    await vi.waitFor(() => expect(seen.at(-1)).toBe('in'), { timeout: 2000 })
    expect(seen).toEqual(['out', 'in', 'in+refreshing', 'in']) // never signed out on the way
    expect(fetchToken.mock.calls.length).toBeGreaterThan(calls)
    expect(fetchToken.mock.calls.at(-1)![0]).toEqual({ forceRefreshToken: true })
    expect(convex.backend.authErrors).toContain('Token expired')
    expect(container.textContent).toBe('signed in as Ada')
    app.unmount()
  })
})

describe('a refused token', () => {
  it('sets useConvexAuth().error with the server\'s reason, never the token', async () => {
    convex = createTestConvex({ schema, modules })
    const forged = `${(await convex.backend.createToken({ sub: 'mallory' })).slice(0, -4)}AAAA`
    const plugin = createConvexVue({
      url: convex.backend.url,
      clientOptions: { webSocketConstructor: convex.backend.WebSocket as unknown as typeof WebSocket, skipConvexDeploymentUrlCheck: true, logger: false, unsavedChangesWarning: false },
      auth: async () => forged,
    })
    let auth!: ReturnType<typeof useConvexAuth>
    const app = createApp(defineComponent(() => {
      auth = useConvexAuth()
      return () => null
    })).use(plugin)
    app.mount(document.createElement('div'))
    await vi.waitFor(() => expect(auth.error.value).not.toBeNull(), { timeout: 4000 })
    expect(auth.isAuthenticated.value).toBe(false)
    expect(auth.isLoading.value).toBe(false)
    expect(auth.error.value!.message).toContain(convex.backend.authErrors.at(-1)!)
    expect(auth.error.value!.message).not.toContain(forged)
    app.unmount()
  })
})
