// Convex Auth 2 for Vue against the app's own convex/auth.ts (setupConvexAuth with the
// username + password method, convexAuthProvider() in auth.config.ts) on the in-memory backend,
// through the real client.
import type { TestConvex } from '@vueuse-convex/testing'
import type { TokenStorage, UseConvexAuthActionsOptions, UseConvexAuthActionsReturn } from '.'
import type { ConvexClientLike } from '../useConvexClient'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { useConvexAuthActions } from '.'
import { api, components, modules, schema } from '../../testing/test/convex-auth'
import { Authenticated, Unauthenticated, useConvexAuth } from '../useConvexAuth'
import { createConvexVue } from '../useConvexClient'
import { useConvexQuery } from '../useConvexQuery'

// The DOM of the tests has `navigator.locks === null` where browsers have Web Locks; Convex Auth's
// runWithMutex then uses its in-page queue, as in a runtime without Web Locks.
if (typeof navigator !== 'undefined' && navigator.locks === null)
  Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true })

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

function start(overrides: Record<string, () => Promise<any>> = {}) {
  convex = createTestConvex({ schema, modules: { ...modules, ...overrides }, components, crons: false })
  return convex
}

const ada = { username: 'ada', password: 'correct horse battery staple' }

/** A storage that outlives an app, as localStorage outlives a page. */
function pageStorage(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return { items, getItem: k => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: k => void items.delete(k) }
}

/** Opens "a page": an app on its own client of the backend, signed in with Convex Auth from `storage`. */
function openPage(storage: TokenStorage, client: ConvexClientLike = convex.createClient(), options: UseConvexAuthActionsOptions = {}) {
  let actions!: UseConvexAuthActionsReturn
  let auth!: ReturnType<typeof useConvexAuth>
  const container = document.createElement('div')
  const app = createApp(defineComponent(() => {
    actions = useConvexAuthActions({ api: api.auth, storage, ...options })
    auth = useConvexAuth()
    const viewer = useConvexQuery(api.users.viewer, {})
    return () => h('div', [
      h(Authenticated, () => `signed in as ${viewer.data.value}`),
      h(Unauthenticated, () => 'signed out'),
    ])
  })).use(createConvexVue({ client }))
  app.mount(container)
  return { actions, auth, container, app }
}

/** The stored refresh token: of a page's storage, or of `localStorage`. */
function refreshTokenIn(storage: { items: Map<string, string> } | Storage): string | null | undefined {
  const entries = 'items' in storage ? [...storage.items] : Object.keys(storage).map(k => [k, storage.getItem(k)] as const)
  return entries.find(([k]) => k.startsWith('__convexAuthRefreshToken_'))?.[1]
}

/**
 * Another tab signed in: its tokens, copied into `localStorage` as its writes would be, reach this
 * page as a storage event. Returns the access token's key.
 */
function signedInElsewhere(shared: { items: Map<string, string> }, token: string | null): string {
  for (const [name, value] of shared.items)
    localStorage.setItem(name, value)
  const key = [...shared.items.keys()].find(k => k.startsWith('__convexAuthJWT_'))!
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: token, storageArea: localStorage }))
  return key
}

/** Another tab signed out: both of its tokens leave `localStorage`, two storage events here. */
function signedOutElsewhere(key: string): void {
  localStorage.clear()
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: null, storageArea: localStorage }))
  window.dispatchEvent(new StorageEvent('storage', { key: key.replace('JWT', 'RefreshToken'), newValue: null, storageArea: localStorage }))
}

describe('useConvexAuthActions (Convex Auth 2)', () => {
  it('signs up, shows the user, survives a reload, refreshes through its refresh token, and signs out', async () => {
    start()
    const storage = pageStorage()
    const first = openPage(storage)
    await vi.waitFor(() => expect(first.container.textContent).toBe('signed out'))
    expect(first.actions.token.value).toBeNull()

    const result = await first.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    expect(result.status).toBe('complete')
    await vi.waitFor(() => expect(first.container.textContent).toBe('signed in as ada'))
    const jwt = first.actions.token.value!
    expect(jwt).toMatch(/^ey/)
    expect([...storage.items.keys()].sort()).toEqual([expect.stringMatching(/^__convexAuthJWT_/), expect.stringMatching(/^__convexAuthRefreshToken_/)])
    first.app.unmount()

    // A reload: a new page and client, the same storage. Signed in from the stored token; the
    // client then asks for a fresh token, which Convex Auth's client gets with the refresh token.
    const firstRefreshToken = refreshTokenIn(storage)
    const second = openPage(storage)
    await vi.waitFor(() => expect(second.container.textContent).toBe('signed in as ada'))
    await vi.waitFor(() => expect(refreshTokenIn(storage)).not.toBe(firstRefreshToken))
    expect(second.auth.isAuthenticated.value).toBe(true)

    const refreshToken = refreshTokenIn(storage)!
    await second.actions.signOut()
    await vi.waitFor(() => expect(second.container.textContent).toBe('signed out'))
    expect(storage.items.size).toBe(0)
    expect(second.actions.token.value).toBeNull()
    // The session ended on the server: its refresh token no longer refreshes anything.
    await expect(convex.client.mutation(api.auth.refreshSession, { refreshToken })).resolves.toEqual({ kind: 'noSession' })
    second.app.unmount()
  })

  it('answers a wrong password with the method\'s own error and stays signed out; the right one signs in', async () => {
    start()
    const page = openPage(pageStorage())
    await page.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    await page.actions.signOut()
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    expect(await page.actions.signIn(api.auth.signInWithUsernamePassword, { ...ada, password: 'wrong password!' })).toEqual({ status: 'error', userError: { error: 'INVALID_CREDENTIALS' } })
    expect(page.auth.isAuthenticated.value).toBe(false)
    expect(page.actions.token.value).toBeNull()
    expect(await page.actions.signIn(api.auth.signInWithUsernamePassword, ada)).toMatchObject({ status: 'complete' })
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as ada'))
    page.app.unmount()
  })

  it('signing in as another user over a session shows the new user at once', async () => {
    start()
    const page = openPage(pageStorage())
    await page.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as ada'))
    await page.actions.signIn(api.auth.signUpWithUsernamePassword, { ...ada, username: 'grace' })
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as grace'), { timeout: 2000 })
    page.app.unmount()
  })

  it('signs out at once when the server ends the session elsewhere (its isAuthenticated query turns false)', async () => {
    start()
    const storage = pageStorage()
    const page = openPage(storage)
    await page.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as ada'))
    // Another device signs this session out with its refresh token.
    await convex.client.mutation(api.auth.signOut, { refreshToken: refreshTokenIn(storage)! })
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    expect(storage.items.size).toBe(0)
    page.app.unmount()
  })

  it('is one session per client: a second call returns the same actions, and a first call without api says what to pass', async () => {
    start()
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
    expect(() => useConvexAuthActions({ client: convex.createClient() })).toThrow(/useConvexAuthActions\(\{ api: api\.auth \}\)/)
  })

  it('follows another tab: a sign-in or sign-out there (a storage event) is one here', async () => {
    start()
    const page = openPage(localStorage)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    // The other tab shares the storage; its writes reach this page as storage events.
    const shared = pageStorage()
    const other = openPage(shared)
    await other.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    const key = signedInElsewhere(shared, other.actions.token.value)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as ada'))
    // The client confirms the adopted token, then rotates it at once (Convex's client refreshes a
    // cached token after the server accepts it): the other tab signs out after that.
    const copied = refreshTokenIn(shared)
    expect(copied).toEqual(expect.any(String))
    await vi.waitFor(() => expect(refreshTokenIn(localStorage)).not.toBe(copied))
    signedOutElsewhere(key)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    page.app.unmount()
    other.app.unmount()
    localStorage.clear()
  })

  it('a sign-out in another tab while a refresh is in flight here stays a sign-out: the late refresh signs nobody back in', async () => {
    start()
    // Each refresh waits at the door until let through.
    const held: Array<() => void> = []
    const fetch = globalThis.fetch
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (typeof init?.body === 'string' && init.body.includes('auth:refreshSession'))
        await new Promise<void>(resolve => held.push(resolve))
      return fetch(input, init)
    })
    onTestFinished(() => {
      spy.mockRestore()
      held.forEach(release => release())
    })
    const page = openPage(localStorage)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    // The other tab signs up; its client refreshes the new token at once (let through).
    const shared = pageStorage()
    const other = openPage(shared)
    await other.actions.signIn(api.auth.signUpWithUsernamePassword, ada)
    const signedUp = refreshTokenIn(shared)
    await vi.waitFor(() => expect(held).toHaveLength(1))
    held[0]()
    await vi.waitFor(() => expect(refreshTokenIn(shared)).not.toBe(signedUp))
    // This tab follows, and its client refreshes the adopted token: held.
    const key = signedInElsewhere(shared, other.actions.token.value)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed in as ada'))
    await vi.waitFor(() => expect(held).toHaveLength(2))
    // The other tab signs out meanwhile.
    signedOutElsewhere(key)
    await vi.waitFor(() => expect(page.container.textContent).toBe('signed out'))
    const shown: string[] = []
    const observer = new MutationObserver(() => shown.push(page.container.textContent!))
    observer.observe(page.container, { subtree: true, childList: true, characterData: true })
    // The refresh comes back with rotated tokens: they sign nobody in, here or in other tabs.
    held[1]()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(page.container.textContent).toBe('signed out')
    expect(page.actions.authClient.getSnapshot().token).toBeNull()
    expect(shown.filter(text => text !== 'signed out')).toEqual([])
    expect(Object.keys(localStorage).filter(name => name.startsWith('__convexAuth'))).toEqual([])
    observer.disconnect()
    page.app.unmount()
    other.app.unmount()
    localStorage.clear()
  })

  it('a token the deployment refuses after signing in is reported in useConvexAuth().error with its reason, and on the console', async () => {
    // An auth.config.ts that forgot convexAuthProvider(): the deployment accepts no Convex Auth token.
    start({ './convex/auth.config.ts': async () => ({ default: { providers: [] } }) })
    const server = await serveTestConvex(convex.backend)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    let actions!: UseConvexAuthActionsReturn
    let auth!: ReturnType<typeof useConvexAuth>
    const app = createApp(defineComponent(() => {
      actions = useConvexAuthActions({ api: api.auth, storage: null })
      auth = useConvexAuth()
      return () => null
    })).use(createConvexVue({ url: server.url }))
    app.mount(document.createElement('div'))
    expect(await actions.signIn(api.auth.signUpWithUsernamePassword, ada)).toMatchObject({ status: 'complete' })
    await vi.waitFor(() => expect(auth.error.value).not.toBeNull(), { timeout: 5000 })
    expect(auth.isAuthenticated.value).toBe(false)
    expect(auth.error.value!.message).toMatch(/refused the user's token: .*(NoAuthProvider|no auth provider)/i)
    expect(logged.mock.calls.flat().join(' ')).toMatch(/NoAuthProvider|no auth provider/i)
    expect(JSON.stringify(logged.mock.calls)).not.toContain(actions.token.value ?? 'no token')
    app.unmount()
    logged.mockRestore()
    await server.close()
  })
})
