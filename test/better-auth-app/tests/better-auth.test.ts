// @vitest-environment happy-dom
// Better Auth as its own guide sets it up (@convex-dev/better-auth's component, its Convex
// plugin, email and password) on the in-memory backend (tests/backend.ts): Better Auth's Vue
// client signs up, signs in and out against the component's routes (through the Nuxt app), and convexBetterAuth hands
// the Convex JWT of its Convex plugin to vueuse-convex's client, whose backend checks it
// against the JWKS the component publishes.
import { convexClient } from '@convex-dev/better-auth/client/plugins'
import { convexBetterAuth, createConvexVue, useConvexAuth, useConvexQuery } from '@vueuse-convex/core'
import { createAuthClient } from 'better-auth/vue'
import { ConvexClient } from 'convex/browser'
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { createApp, defineComponent } from 'vue'
import WebSocket from 'ws'
import { api } from '../convex/_generated/api'

const convexUrl = inject('convexUrl')
const appUrl = inject('appUrl')
const cleanups: Array<() => unknown> = []

beforeAll(() => {
  // The page is the Nuxt app's, which serves Better Auth's routes: its cookies are first-party.
  ;(window as unknown as { happyDOM: { setURL: (url: string) => void } }).happyDOM.setURL(appUrl)
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse())
    await cleanup()
})

/** Better Auth's Vue client with the Convex plugin (its cookies kept by the page, as in a browser). */
function authClient() {
  return createAuthClient({ baseURL: appUrl, plugins: [convexClient()] })
}

/** A Vue app on the backend, signed in with Better Auth: its auth state and `auth.viewer`. */
function mountWith(client: ReturnType<typeof authClient>) {
  let auth!: ReturnType<typeof useConvexAuth>
  let viewer!: ReturnType<typeof useConvexQuery<typeof api.auth.viewer>>
  const app = createApp(defineComponent(() => {
    auth = useConvexAuth()
    auth.setAuth(convexBetterAuth(client))
    viewer = useConvexQuery(api.auth.viewer, {})
    return () => null
  })).use(createConvexVue({ url: convexUrl, clientOptions: { webSocketConstructor: WebSocket as never } }))
  app.mount(document.createElement('div'))
  cleanups.push(() => app.unmount())
  return { auth, viewer }
}

/** A user of this test alone (the backend is shared by the test files). */
function someone(name: string) {
  return { name, email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse battery staple' }
}

describe('better Auth on the in-memory backend, through the real client', () => {
  it('signs up, is the user in Convex, signs out, refuses a wrong password, signs in again', async () => {
    const client = authClient()
    const ada = someone('Ada')
    const { auth, viewer } = mountWith(client)
    await vi.waitFor(() => expect(auth.isLoading.value).toBe(false), { timeout: 10_000 })
    expect(auth.isAuthenticated.value).toBe(false)
    await vi.waitFor(() => expect(viewer.data.value).toBeNull())

    expect((await client.signUp.email(ada)).error).toBeNull()
    await vi.waitFor(() => expect(viewer.data.value).toBe('Ada'), { timeout: 10_000 })
    expect(auth.isAuthenticated.value).toBe(true)

    await client.signOut()
    await vi.waitFor(() => expect(auth.isAuthenticated.value).toBe(false), { timeout: 10_000 })
    await vi.waitFor(() => expect(viewer.data.value).toBeNull())

    expect((await client.signIn.email({ email: ada.email, password: 'wrong password' })).error?.status).toBe(401)
    expect(auth.isAuthenticated.value).toBe(false)

    expect((await client.signIn.email({ email: ada.email, password: ada.password })).error).toBeNull()
    await vi.waitFor(() => expect(viewer.data.value).toBe('Ada'), { timeout: 10_000 })
    expect(auth.isAuthenticated.value).toBe(true)
    await client.signOut()
  })

  it('issues a Convex JWT the backend accepts; a tampered one is refused', async () => {
    const client = authClient()
    expect((await client.signUp.email(someone('Grace'))).error).toBeNull()
    const { data } = await client.convex.token()
    expect(data?.token).toBeTypeOf('string')
    const convex = new ConvexClient(convexUrl, { webSocketConstructor: WebSocket as never })
    cleanups.push(() => convex.close())
    const signIn = (token: string) => new Promise<boolean>(resolve => convex.setAuth(async () => token, resolve))
    expect(await signIn(data!.token)).toBe(true)
    expect(await convex.query(api.auth.viewer, {})).toBe('Grace')
    const [header, payload] = data!.token.split('.')
    const forged = `${header}.${payload}.${'A'.repeat(86)}`
    expect(await signIn(forged)).toBe(false)
    await client.signOut()
  })
})
