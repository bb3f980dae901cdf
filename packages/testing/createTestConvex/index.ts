import type { ConvexClientOptions } from 'convex/browser'
import type { App } from 'vue'
import type { TestBackendOptions } from '../_internal/backend'
import { createConvexVue } from '@vueuse-convex/core'
import { ConvexClient } from 'convex/browser'
import { TestBackend } from '../_internal/backend'

export { TestBackend }
export type { FunctionSelector, TestBackendOptions, TestComponent, TestIdentity } from '../_internal/backend'
export { createTestToken } from '../_internal/wire'
export type { TestTokenClaims } from '../_internal/wire'

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

  return {
    client,
    backend,
    createClient,
    install: app => plugin.install(app),
    flush: () => backend.flush(),
    async close() {
      await Promise.all([...clients].map(c => c.close()))
      backend.close()
    },
  }
}
