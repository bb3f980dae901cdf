import { createTestToken } from '@vueuse-convex/testing'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, nextTick, reactive, ref, shallowRef } from 'vue'
import { Authenticated, AuthLoading, Unauthenticated, useConvexAuth } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'
import { createConvexVue } from '../useConvexClient'
import { useConvexQuery } from '../useConvexQuery'

const convex = useTestConvex()

describe('useConvexAuth', () => {
  it('is signed out and not loading without a token fetcher', () => {
    const { result } = useSetup(() => useConvexAuth(), [convex])
    expect(result.isLoading.value).toBe(false)
    expect(result.isAuthenticated.value).toBe(false)
  })

  it('signs in through the plugin\'s auth option: loading, then authenticated, and queries see the user', async () => {
    const fetchToken = vi.fn(async () => createTestToken({ sub: 'user_9', name: 'Grace' }))
    const plugin = createConvexVue({ client: convex.client, auth: fetchToken })
    const { result } = useSetup(() => ({ auth: useConvexAuth(), me: useConvexQuery(api.users.me) }), [plugin])
    expect(result.auth.isLoading.value).toBe(true)
    await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true))
    expect(result.auth.isLoading.value).toBe(false)
    await vi.waitFor(() => expect(result.me.data.value).toEqual({ subject: 'user_9', name: 'Grace' }))
    expect(fetchToken).toHaveBeenCalledWith({ forceRefreshToken: false })
  })

  it('shares its state between components, and signs out with clearAuth', async () => {
    const a = useSetup(() => useConvexAuth(), [convex])
    const { result: b } = useSetup(() => ({ auth: useConvexAuth(), me: useConvexQuery(api.users.me) }), [convex])
    a.result.setAuth(async () => createTestToken({ sub: 'user_1' }))
    // Each useSetup is its own app here; within one app the state is shared.
    await vi.waitFor(() => expect(a.result.isAuthenticated.value).toBe(true))
    await vi.waitFor(() => expect(b.me.data.value).toEqual({ subject: 'user_1', name: null }))
    a.result.clearAuth()
    expect(a.result.isAuthenticated.value).toBe(false)
    await vi.waitFor(() => expect(b.me.data.value).toBeNull())
  })

  it('reports a refused token as signed out, and never puts the token in an error', async () => {
    const token = createTestToken({ sub: 'u', expiresIn: -60 })
    const errors: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')))
    const { result } = useSetup(() => useConvexAuth(), [convex])
    result.setAuth(async () => token)
    expect(result.isLoading.value).toBe(true)
    await vi.waitFor(() => expect(result.isLoading.value).toBe(false))
    expect(result.isAuthenticated.value).toBe(false)
    expect(errors.join('\n')).not.toContain(token)
    error.mockRestore()
  })

  it('says what setAuth expects', () => {
    const { result } = useSetup(() => useConvexAuth(), [convex])
    expect(() => result.setAuth('token' as any)).toThrowError(/setAuth\(\) takes a function/)
  })
})

describe('useConvexAuth, signing out and failing providers', () => {
  it.each(['as soon as the server confirms', 'once the refresh is scheduled'])('clearAuth signs out for good (%s): no refresh brings the old token back', async (when) => {
    // Tokens that live 3 s, refreshed 2 s before expiry: the client refetches 1 s in.
    const client = convex.createClient({ authRefreshTokenLeewaySeconds: 2 })
    let n = 0 // each token unique, as a provider's are (the client schedules no refresh for a repeated one)
    const fetchToken = vi.fn(async () => createTestToken({ sub: 'user_1', expiresIn: 3, jti: `t${n++}` }))
    const { result } = useSetup(() => ({ auth: useConvexAuth({ client }), me: useConvexQuery(api.users.me, {}, { client }) }), [convex])
    result.auth.setAuth(fetchToken)
    if (when === 'as soon as the server confirms')
      await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true), { interval: 1 })
    else
      await vi.waitFor(() => expect(fetchToken).toHaveBeenCalledTimes(2))
    result.auth.clearAuth()
    expect(result.auth.isAuthenticated.value).toBe(false)
    const calls = fetchToken.mock.calls.length
    await new Promise(resolve => setTimeout(resolve, 2500))
    expect(fetchToken).toHaveBeenCalledTimes(calls)
    await convex.flush()
    expect(result.auth.isAuthenticated.value).toBe(false)
    expect(result.me.data.value).toBeNull()
    expect(await client.query(api.users.me, {})).toBeNull()
  }, 10_000)

  it('signing in right after signing out (another user at once) ends signed in as the new user', async () => {
    const { result } = useSetup(() => ({ auth: useConvexAuth(), me: useConvexQuery(api.users.me) }), [convex])
    result.auth.setAuth(async () => createTestToken({ sub: 'first' }))
    await vi.waitFor(() => expect(result.me.data.value?.subject).toBe('first'))
    for (const gap of [() => undefined, () => Promise.resolve(), () => new Promise(resolve => setTimeout(resolve, 0))]) {
      result.auth.clearAuth()
      await gap()
      result.auth.setAuth(async () => createTestToken({ sub: 'second' }))
      await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true))
      await vi.waitFor(() => expect(result.me.data.value?.subject).toBe('second'))
      result.auth.setAuth(async () => createTestToken({ sub: 'first' }))
      await vi.waitFor(() => expect(result.me.data.value?.subject).toBe('first'))
    }
  })

  it('a token fetcher that throws ends signed out with the reason, and calls go on unauthenticated', async () => {
    const { result } = useSetup(() => ({ auth: useConvexAuth(), me: useConvexQuery(api.users.me) }), [convex])
    result.auth.setAuth(async () => {
      throw new Error('identity provider is down')
    })
    expect(result.auth.isLoading.value).toBe(true)
    await vi.waitFor(() => expect(result.auth.isLoading.value).toBe(false))
    expect(result.auth.isAuthenticated.value).toBe(false)
    expect(result.auth.error.value?.message).toBe('identity provider is down')
    await vi.waitFor(() => expect(result.me.data.value).toBeNull())
    await expect(convex.client.mutation(api.counter.increment, { name: 'after-failure' })).resolves.toBe(1)
    // A later sign-in that works clears the reason.
    result.auth.setAuth(async () => createTestToken({ sub: 'user_2' }))
    await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true))
    expect(result.auth.error.value).toBeNull()
  })
})

describe('useConvexAuth with a reactive auth provider', () => {
  it('follows the provider: loading while it loads, signed in while it has a user, signed out after', async () => {
    // The shape of an adapter for Clerk, Auth0, Better Auth or WorkOS: their state, as refs.
    const isLoading = ref(true)
    const isAuthenticated = ref(false)
    const fetchAccessToken = vi.fn(async () => createTestToken({ sub: 'user_p', name: 'Pat' }))
    const plugin = createConvexVue({ client: convex.client, auth: { isLoading, isAuthenticated, fetchAccessToken } })
    const { result } = useSetup(() => ({ auth: useConvexAuth(), me: useConvexQuery(api.users.me) }), [plugin])
    expect(result.auth.isLoading.value).toBe(true)
    expect(result.auth.isAuthenticated.value).toBe(false)
    expect(fetchAccessToken).not.toHaveBeenCalled()

    isLoading.value = false
    isAuthenticated.value = true
    expect(result.auth.isLoading.value).toBe(true) // until the server confirms the token
    await vi.waitFor(() => expect(result.auth.isAuthenticated.value).toBe(true))
    await vi.waitFor(() => expect(result.me.data.value).toEqual({ subject: 'user_p', name: 'Pat' }))

    isAuthenticated.value = false // signed out in the provider
    expect(result.auth.isAuthenticated.value).toBe(false)
    expect(result.auth.isLoading.value).toBe(false)
    await vi.waitFor(() => expect(result.me.data.value).toBeNull())
  })

  it('does not sign in again when the provider\'s state re-evaluates to the same values', async () => {
    const user = shallowRef<{ id: string } | null>({ id: 'u1' })
    const fetchAccessToken = vi.fn(async () => createTestToken({ sub: 'same' }))
    const { result } = useSetup(() => useConvexAuth(), [convex])
    result.setAuth({ isLoading: false, isAuthenticated: () => !!user.value, fetchAccessToken })
    await vi.waitFor(() => expect(result.isAuthenticated.value).toBe(true))
    const calls = fetchAccessToken.mock.calls.length
    user.value = { id: 'u1' } // e.g. a refreshed user object
    expect(result.isLoading.value).toBe(false)
    expect(result.isAuthenticated.value).toBe(true)
    await convex.flush()
    expect(fetchAccessToken).toHaveBeenCalledTimes(calls)
  })

  it('takes getters, through setAuth too, and an explicit clearAuth stops following the provider', async () => {
    const state = reactive({ loading: false, user: true })
    const { result } = useSetup(() => useConvexAuth(), [convex])
    result.setAuth({ isLoading: () => state.loading, isAuthenticated: () => state.user, fetchAccessToken: async () => createTestToken({ sub: 'g' }) })
    await vi.waitFor(() => expect(result.isAuthenticated.value).toBe(true))
    result.clearAuth()
    state.user = false
    state.user = true
    await nextTick()
    expect(result.isAuthenticated.value).toBe(false)
    expect(result.isLoading.value).toBe(false)
  })
})

describe('auth gates', () => {
  it('render their slot for the matching state only', async () => {
    const isLoading = ref(true)
    const isAuthenticated = ref(false)
    const plugin = createConvexVue({ client: convex.client, auth: { isLoading, isAuthenticated, fetchAccessToken: async () => createTestToken({ sub: 'gate' }) } })
    const App = defineComponent(() => () => h('div', [
      h(AuthLoading, null, () => 'loading'),
      h(Authenticated, null, () => 'in'),
      h(Unauthenticated, null, () => 'out'),
    ]))
    const root = document.createElement('div')
    const app = createApp(App).use(plugin)
    app.mount(root)
    expect(root.textContent).toBe('loading')
    isLoading.value = false
    await nextTick()
    expect(root.textContent).toBe('out')
    isAuthenticated.value = true
    await nextTick()
    expect(root.textContent).toBe('loading') // the server has not confirmed the token yet
    await vi.waitFor(() => expect(root.textContent).toBe('in'))
    app.unmount()
  })
})
