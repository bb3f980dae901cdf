// Clerk and Auth0 through the plugin, against stand-ins of their Vue SDKs' documented shapes
// (`useAuth()` of @clerk/vue, `useAuth0()` of @auth0/auth0-vue): the real services are not here.
import type { TestConvex } from '@vueuse-convex/testing'
import { createTestConvex } from '@vueuse-convex/testing'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { createApp, defineComponent, ref } from 'vue'
import { api, modules, schema } from '../../../docs/backend'
import { convexAuth0, convexBetterAuth, convexClerk, useConvexAuth, useConvexQuery } from '../index'

let convex: TestConvex
afterEach(() => convex?.close())

/** Mounts an app on the test backend whose root signs in with `provider`; returns its auth and `users.me`. */
function mountWith(provider: Parameters<ReturnType<typeof useConvexAuth>['setAuth']>[0]) {
  let auth!: ReturnType<typeof useConvexAuth>
  let me!: ReturnType<typeof useConvexQuery<typeof api.users.me>>
  const app = createApp(defineComponent(() => {
    auth = useConvexAuth()
    auth.setAuth(provider)
    me = useConvexQuery(api.users.me, {})
    return () => null
  })).use(convex)
  app.mount(document.createElement('div'))
  return { auth, me, app }
}

describe('convexClerk', () => {
  it('loading → signed in with the convex template → a fresh token skips Clerk\'s cache → signed out', async () => {
    convex = createTestConvex({ schema, modules })
    const isLoaded = ref(false)
    const isSignedIn = ref<boolean | undefined>(undefined)
    const getToken = vi.fn(async (_options?: { template?: string, skipCache?: boolean }) => isSignedIn.value ? convex.backend.createToken({ sub: 'clerk|ada', name: 'Ada', expiresIn: 2 }) : null)
    const { auth, me, app } = mountWith(convexClerk({ isLoaded, isSignedIn, getToken: ref(getToken) }))
    expect(auth.isLoading.value).toBe(true)
    isSignedIn.value = true
    isLoaded.value = true
    await vi.waitFor(() => expect(me.data.value).toEqual({ subject: 'clerk|ada', name: 'Ada' }))
    expect(auth.isAuthenticated.value).toBe(true)
    expect(getToken).toHaveBeenCalledWith({ template: 'convex', skipCache: false })
    // The 2 s token expires: Convex asks for a fresh one, past Clerk's cache, and stays signed in.
    await vi.waitFor(() => expect(getToken).toHaveBeenCalledWith({ template: 'convex', skipCache: true }), { timeout: 4000 })
    await vi.waitFor(() => expect(auth.isRefreshing.value).toBe(false))
    expect(auth.isAuthenticated.value).toBe(true)
    isSignedIn.value = false
    await vi.waitFor(() => expect(me.data.value).toBeNull())
    expect(auth.isAuthenticated.value).toBe(false)
    app.unmount()
  })

  it('takes another JWT template, and a getToken that throws is no token', async () => {
    convex = createTestConvex({ schema, modules })
    const getToken = vi.fn(async () => {
      throw new Error('Clerk is unreachable')
    })
    const { auth, app } = mountWith(convexClerk({ isLoaded: true, isSignedIn: true, getToken }, { template: 'backend' }))
    await vi.waitFor(() => expect(auth.isLoading.value).toBe(false))
    expect(getToken).toHaveBeenCalledWith({ template: 'backend', skipCache: false })
    expect(auth.isAuthenticated.value).toBe(false)
    app.unmount()
  })
})

describe('convexClerk, switching', () => {
  it('signs the new token in at once when the user switches organization (Clerk\'s orgId)', async () => {
    convex = createTestConvex({ schema, modules })
    const orgId = ref('org_a')
    const getToken = vi.fn(async () => convex.backend.createToken({ sub: 'clerk|ada', name: `Ada at ${orgId.value}` }))
    const { me, app } = mountWith(convexClerk({ isLoaded: true, isSignedIn: true, getToken, orgId }))
    await vi.waitFor(() => expect(me.data.value?.name).toBe('Ada at org_a'))
    orgId.value = 'org_b'
    await vi.waitFor(() => expect(me.data.value?.name).toBe('Ada at org_b'), { timeout: 2000 })
    app.unmount()
  })
})

describe('convexBetterAuth', () => {
  it('pending session → signed in with the Convex plugin\'s token (one request at a time) → another session at once → signed out', async () => {
    convex = createTestConvex({ schema, modules })
    // useSession() of better-auth/vue: a ref of { data, isPending }.
    const session = ref<{ data: { session: { id: string }, user: { name: string } } | null, isPending: boolean }>({ data: null, isPending: true })
    const token = vi.fn(async (_options?: { fetchOptions?: { throw?: boolean } }) => {
      const data = session.value.data
      return { data: data ? { token: await convex.backend.createToken({ sub: data.session.id, name: data.user.name }) } : null }
    })
    const { auth, me, app } = mountWith(convexBetterAuth({ useSession: () => session, convex: { token } }))
    expect(auth.isLoading.value).toBe(true)
    session.value = { data: { session: { id: 's1' }, user: { name: 'Ada' } }, isPending: false }
    await vi.waitFor(() => expect(me.data.value).toEqual({ subject: 's1', name: 'Ada' }))
    expect(token).toHaveBeenCalledWith({ fetchOptions: { throw: false } })
    session.value = { data: { session: { id: 's2' }, user: { name: 'Grace' } }, isPending: false }
    await vi.waitFor(() => expect(me.data.value).toEqual({ subject: 's2', name: 'Grace' }), { timeout: 2000 })
    session.value = { data: null, isPending: false }
    await vi.waitFor(() => expect(me.data.value).toBeNull())
    expect(auth.isAuthenticated.value).toBe(false)
    app.unmount()
  })

  it('renders signed in at once with a token from the server, and shares one request between callers', async () => {
    convex = createTestConvex({ schema, modules })
    const initialToken = await convex.backend.createToken({ sub: 's1', name: 'Ada' })
    let answer!: (value: { data: { token: string } }) => void
    const token = vi.fn(() => new Promise<{ data: { token: string } }>((resolve) => {
      answer = resolve
    }))
    const provider = convexBetterAuth({ useSession: () => ({ data: null, isPending: true }), convex: { token } }, { initialToken })
    expect(provider.isAuthenticated).toBeTypeOf('function')
    expect((provider.isLoading as () => boolean)()).toBe(false)
    expect((provider.isAuthenticated as () => boolean)()).toBe(true)
    await expect(provider.fetchAccessToken({ forceRefreshToken: false })).resolves.toBe(initialToken)
    const [a, b] = [provider.fetchAccessToken({ forceRefreshToken: true }), provider.fetchAccessToken({ forceRefreshToken: false })]
    expect(token).toHaveBeenCalledTimes(1)
    answer({ data: { token: 'fresh' } })
    await expect(a).resolves.toBe('fresh')
    await expect(b).resolves.toBe(initialToken) // the cached one, as Better Auth's React provider answers
  })
})

describe('convexAuth0', () => {
  it('loading → signed in with the ID token → a fresh token with cacheMode off → signed out', async () => {
    convex = createTestConvex({ schema, modules })
    const isLoading = ref(true)
    const isAuthenticated = ref(false)
    const getAccessTokenSilently = vi.fn(async (_options: { detailedResponse: true, cacheMode?: 'on' | 'off' }) => ({
      access_token: 'not-for-convex',
      id_token: await convex.backend.createToken({ sub: 'auth0|grace', name: 'Grace', expiresIn: 2 }),
    }))
    const { auth, me, app } = mountWith(convexAuth0({ isLoading, isAuthenticated, getAccessTokenSilently }))
    expect(auth.isLoading.value).toBe(true)
    isAuthenticated.value = true
    isLoading.value = false
    await vi.waitFor(() => expect(me.data.value).toEqual({ subject: 'auth0|grace', name: 'Grace' }))
    expect(getAccessTokenSilently).toHaveBeenCalledWith({ detailedResponse: true, cacheMode: 'on' })
    await vi.waitFor(() => expect(getAccessTokenSilently).toHaveBeenCalledWith({ detailedResponse: true, cacheMode: 'off' }), { timeout: 4000 })
    await vi.waitFor(() => expect(auth.isRefreshing.value).toBe(false))
    expect(auth.isAuthenticated.value).toBe(true)
    isAuthenticated.value = false
    await vi.waitFor(() => expect(me.data.value).toBeNull())
    app.unmount()
  })

  it('accepts what the SDKs return, and nothing less', () => {
    expectTypeOf(convexAuth0).parameter(0).toHaveProperty('getAccessTokenSilently')
    // @ts-expect-error Clerk's useAuth() has isLoaded, not isLoading
    convexClerk({ isLoading: false, isSignedIn: true, getToken: async () => null })
  })
})
