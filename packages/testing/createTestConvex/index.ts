import type { UseConvexAuthReturn } from '@vueuse-convex/core'
import type { ConvexClientOptions } from 'convex/browser'
import type { App } from 'vue'
import type { TestBackendOptions } from '../_internal/backend'
import type { TestTokenClaims } from '../_internal/wire'
import { createConvexVue, useConvexAuth } from '@vueuse-convex/core'
import { ConvexClient } from 'convex/browser'
import { TestBackend } from '../_internal/backend'

export { TestBackend }
export type { FunctionSelector, TestBackendOptions, TestComponent, TestIdentity } from '../_internal/backend'
export { createTestToken } from '../_internal/wire'
export type { TestTokenClaims } from '../_internal/wire'

/** The real clock, captured before a test can fake it. */
const realNow = globalThis.performance.now.bind(globalThis.performance)

/** Options of {@link createTestConvex}. */
export interface CreateTestConvexOptions extends TestBackendOptions {
  /**
   * Options for the `ConvexClient`s it creates.
   * @default { logger: false } (no console output; pass `logger: true` to see the client's logs)
   */
  clientOptions?: ConvexClientOptions
}

/** What {@link createTestConvex} returns. */
export interface TestConvex {
  /** A real `ConvexClient`, connected to the in-memory backend. */
  client: ConvexClient
  /** The in-memory deployment: data access, identity, latency and fault injection. */
  backend: TestBackend
  /** One more client on the same backend (a second tab, another user). Closed by `close()`. */
  createClient: (options?: ConvexClientOptions) => ConvexClient
  /** Vue plugin: `app.use(convex)` provides `client` to the app, as `createConvexVue` does. */
  install: (app: App) => void
  /** Resolves once the backend is quiet and every message has reached the clients. */
  flush: () => Promise<void>
  /**
   * Signs the app in as `claims.sub` with a token the app's `auth.config.ts` accepts
   * ({@link TestBackend.createToken}), through the plugin, so `useConvexAuth()`, `<Authenticated>`
   * and every query follow. Resolves once the backend accepted it; rejects with the reason when
   * it refused it.
   */
  signIn: (claims: TestTokenClaims) => Promise<void>
  /** Signs the app out, through the plugin; resolves once the backend knows. */
  signOut: () => Promise<void>
  /** Closes every client and the backend. */
  close: () => Promise<void>
}

/**
 * Runs your own Convex functions in memory behind the real `ConvexClient` and its sync
 * protocol: component tests and demos with live queries, mutations, actions and auth,
 * and no deployment.
 *
 * @example
 * const convex = createTestConvex({ schema, modules: import.meta.glob(['./convex/**\/*.*s', '!**\/*.d.ts']) })
 * mount(MyComponent, { global: { plugins: [convex] } })
 */
export function createTestConvex(options: CreateTestConvexOptions): TestConvex {
  const backend = new TestBackend(options)
  const clients = new Set<ConvexClient>()

  function createClient(clientOptions: ConvexClientOptions = {}): ConvexClient {
    const client = new ConvexClient(backend.url, {
      logger: false,
      unsavedChangesWarning: false,
      ...options.clientOptions,
      ...clientOptions,
      webSocketConstructor: backend.WebSocket as unknown as typeof WebSocket,
      skipConvexDeploymentUrlCheck: true,
    })
    clients.add(client)
    return client
  }

  const client = createClient()
  const plugin = createConvexVue({ client })
  const apps = new Set<App>()

  /**
   * Sets (or clears) the token fetcher the way the app itself would, through the plugin, and
   * resolves once the backend accepted or refused it; rejects with the reason it refused it.
   */
  async function authenticate(fetchToken: Extract<Parameters<UseConvexAuthReturn['setAuth']>[0], (...args: any[]) => any> | null) {
    const refusedBefore = backend.authErrors.length
    const states: UseConvexAuthReturn[] = []
    for (const app of apps) {
      app.runWithContext(() => {
        const auth = useConvexAuth()
        states.push(auth)
        if (fetchToken)
          auth.setAuth(fetchToken)
        else
          auth.clearAuth()
      })
    }
    if (!apps.size) {
      if (fetchToken)
        await new Promise<void>(resolve => client.setAuth(fetchToken, () => resolve()))
      else
        client.client.clearAuth()
    }
    // Loading until the server confirmed or refused the token (fetched asynchronously first).
    const start = realNow()
    do {
      await backend.flush()
      if (realNow() - start > 4000)
        throw new Error('[vueuse-convex] signIn(): the app is still signing in after 4 s: the token fetcher never answered (a promise waiting on fake timers?).')
    } while (states.some(auth => auth.isLoading.value))
    const refused = backend.authErrors.slice(refusedBefore)
    if (refused.length)
      throw new Error(`[vueuse-convex] signIn(): the backend refused the token: ${refused.at(-1)}`)
  }

  return {
    client,
    backend,
    createClient,
    install(app) {
      plugin.install(app)
      apps.add(app)
      app.onUnmount(() => apps.delete(app))
    },
    flush: () => backend.flush(),
    signIn: claims => authenticate(() => backend.createToken(claims)),
    signOut: () => authenticate(null),
    async close() {
      await Promise.all([...clients].map(c => c.close()))
      backend.close()
    },
  }
}
