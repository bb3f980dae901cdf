// Convex Auth for Vue against the app's own convex/auth.ts (convexAuth({ providers: [Password] }),
// its auth.config.ts and HTTP routes) on the in-memory backend, through the real client.
import type { TestConvex } from '@vueuse-convex/testing'
import type { TokenStorage, UseConvexAuthActionsOptions, UseConvexAuthActionsReturn } from '.'
import type { ConvexClientLike } from '../useConvexClient'
import { createTestConvex } from '@vueuse-convex/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { Authenticated, Unauthenticated, useConvexAuth, useConvexAuthActions } from '.'
import { api, convexAuthKeys, modules, schema } from '../../testing/test/convex-auth'
import { createConvexVue } from '../useConvexClient'
import { useConvexQuery } from '../useConvexQuery'

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

const password = { email: 'ada@example.com', password: 'correct horse battery staple' }

/** A storage that outlives an app, as localStorage outlives a page. */
function pageStorage(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return { items, getItem: k => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: k => void items.delete(k) }
}

/** Opens "a page": an app on its own client of the backend, signed in with Convex Auth from `storage`. */
function openPage(storage: TokenStorage, client: ConvexClientLike = convex.createClient(), options: UseConvexAuthActionsOptions = {}) {
  let actions!: UseConvexAuthActionsReturn
  let auth!: ReturnType<typeof useConvexAuth>
  let viewer!: ReturnType<typeof useConvexQuery<typeof api.users.viewer>>
  const container = document.createElement('div')
  const app = createApp(defineComponent(() => {
    actions = useConvexAuthActions({ storage, ...options })
    auth = useConvexAuth()
    viewer = useConvexQuery(api.users.viewer, {})
    return () => h('div', [
      h(Authenticated, () => `signed in as ${viewer.data.value}`),
      h(Unauthenticated, () => 'signed out'),
    ])
  })).use(createConvexVue({ client }))
  app.mount(container)
  return { actions, auth, viewer, container, app }
}

describe('useConvexAuthActions (Convex Auth)', () => {
  it('signs up, shows the user, survives a reload, refreshes through its refresh token, and signs out', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const storage = pageStorage()
    const first = openPage(storage)
    await vi.waitFor(() => expect(first.container.textContent).toBe('signed out'))
    expect(first.actions.token.value).toBeNull()

    await expect(first.actions.signIn('password', { ...password, flow: 'signUp' })).resolves.toEqual({ signingIn: true })
    await vi.waitFor(() => expect(first.container.textContent).toBe(`signed in as ${password.email}`))
    const jwt = first.actions.token.value!
    expect(jwt).toMatch(/^ey/)
    expect([...storage.items.keys()].sort()).toEqual([expect.stringMatching(/^__convexAuthJWT_/), expect.stringMatching(/^__convexAuthRefreshToken_/)])
    first.app.unmount()

    // A reload: a new page and client, the same storage. Signed in from the stored token at
    // once; the client then asks for a fresh token, which the refresh token gets.
    const refreshTokenOf = () => [...storage.items.entries()].find(([k]) => k.startsWith('__convexAuthRefreshToken_'))![1]
    const firstRefreshToken = refreshTokenOf()
    const second = openPage(storage)
    expect(second.actions.token.value).toBe(jwt) // read at once: no signed-out frame
    await vi.waitFor(() => expect(second.container.textContent).toBe(`signed in as ${password.email}`))
    // Convex Auth hands out a new refresh token with each refresh.
    await vi.waitFor(() => expect(refreshTokenOf()).not.toBe(firstRefreshToken))
    expect(second.auth.isAuthenticated.value).toBe(true)
    expect(second.container.textContent).toBe(`signed in as ${password.email}`)

    const refreshToken = refreshTokenOf()
    await second.actions.signOut()
    await vi.waitFor(() => expect(second.container.textContent).toBe('signed out'))
    expect(storage.items.size).toBe(0)
    expect(second.actions.token.value).toBeNull()
    // The session ended on the server: its refresh token no longer signs anyone in.
    await expect(convex.client.action(api.auth.signIn, { refreshToken })).resolves.toMatchObject({ tokens: null })
    second.app.unmount()
  })

  it('refuses a wrong password with Convex Auth\'s error; a sign-out right after signing up sticks', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const page = openPage(pageStorage())
    await page.actions.signIn('password', { ...password, flow: 'signUp' })
    // Signing out while the client still refreshes the new session: the sign-out wins.
    await page.actions.signOut()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(page.actions.token.value).toBeNull()
    expect(page.auth.isAuthenticated.value).toBe(false)
    await expect(page.actions.signIn('password', { ...password, password: 'wrong', flow: 'signIn' })).rejects.toThrow(/InvalidSecret/)
    expect(page.auth.isAuthenticated.value).toBe(false)
    await expect(page.actions.signIn('password', { ...password, flow: 'signIn' })).resolves.toEqual({ signingIn: true })
    await vi.waitFor(() => expect(page.container.textContent).toBe(`signed in as ${password.email}`))
    page.app.unmount()
  })

  it('signing in as another user over a session shows the new user at once', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const page = openPage(pageStorage())
    await page.actions.signIn('password', { ...password, flow: 'signUp' })
    await vi.waitFor(() => expect(page.container.textContent).toBe(`signed in as ${password.email}`))
    await page.actions.signIn('password', { email: 'grace@example.com', password: password.password, flow: 'signUp' })
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as grace@example.com'), { timeout: 2000 })
    page.app.unmount()
  })

  it('an OAuth sign-in sends the browser to the provider with a verifier kept, as far as the GitHub authorization page; a ?code= on return is used once and leaves the URL', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const storage = pageStorage()
    const navigate = vi.fn()
    const page = openPage(storage, undefined, { navigate })
    const { signingIn, redirect } = await page.actions.signIn('github')
    expect(signingIn).toBe(false)
    expect(navigate).toHaveBeenCalledWith(redirect)
    expect(redirect!.href.startsWith(`${convex.backend.siteUrl}/api/auth/signin/github?code=`)).toBe(true)
    const verifierKey = [...storage.items.keys()].find(k => k.startsWith('__convexAuthOAuthVerifier_'))
    expect(verifierKey).toBeDefined()
    // The app's own HTTP route sends the browser on to GitHub's authorization page.
    const toGitHub = await fetch(redirect!, { redirect: 'manual' })
    expect(toGitHub.status).toBe(302)
    const authorize = new URL(toGitHub.headers.get('location')!)
    expect(authorize.origin + authorize.pathname).toBe('https://github.com/login/oauth/authorize')
    expect(authorize.searchParams.get('client_id')).toBe('test-client-id')
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${convex.backend.siteUrl}/api/auth/callback/github`)
    page.app.unmount()

    // Back from the provider with a code (one the server cannot verify here): the code is taken
    // off the URL at once, used once with the kept verifier, and the page ends signed out.
    history.replaceState(null, '', '/account?code=not-a-real-code&tab=1')
    const back = openPage(storage)
    expect(location.search).toBe('?tab=1')
    await vi.waitFor(() => expect(back.auth.isLoading.value).toBe(false), { timeout: 4000 })
    expect(back.auth.isAuthenticated.value).toBe(false)
    expect(storage.items.has(verifierKey!)).toBe(false)
    back.app.unmount()
    history.replaceState(null, '', '/')
  })

  it('is one session per client: a second call returns the same actions', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const client = convex.createClient()
    const page = openPage(pageStorage(), client)
    let again: UseConvexAuthActionsReturn | undefined
    const app = createApp(defineComponent(() => {
      again = useConvexAuthActions()
      return () => null
    })).use(createConvexVue({ client }))
    app.mount(document.createElement('div'))
    expect(again).toBe(page.actions)
    app.unmount()
    page.app.unmount()
  })

  it('follows another tab: a sign-in or sign-out there (a storage event) is one here', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    const page = openPage(localStorage)
    // The other tab shares the storage; its writes reach this page as storage events.
    const shared = pageStorage()
    const other = openPage(shared)
    await other.actions.signIn('password', { ...password, flow: 'signUp' })
    for (const [name, value] of shared.items)
      localStorage.setItem(name, value)
    const key = [...shared.items.keys()].find(k => k.startsWith('__convexAuthJWT_'))!
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: other.actions.token.value, storageArea: localStorage }))
    await vi.waitFor(() => expect(page.container.textContent).toBe(`signed in as ${password.email}`))
    localStorage.clear()
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: null, storageArea: localStorage }))
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    page.app.unmount()
    other.app.unmount()
    localStorage.clear()
  })

  it('writes the JWT to a cookie for server renders, and clears it on sign-out', async () => {
    convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
    let actions!: UseConvexAuthActionsReturn
    const app = createApp(defineComponent(() => {
      actions = useConvexAuthActions({ storage: pageStorage(), cookie: 'convex-token' })
      return () => null
    })).use(createConvexVue({ client: convex.createClient() }))
    app.mount(document.createElement('div'))
    await actions.signIn('password', { ...password, flow: 'signUp' })
    expect(document.cookie).toContain(`convex-token=${actions.token.value}`)
    await actions.signOut()
    expect(document.cookie).not.toContain('convex-token=ey')
    app.unmount()
  })
})
