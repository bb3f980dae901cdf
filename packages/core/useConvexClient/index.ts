import type { ConvexClientOptions } from 'convex/browser'
import type { App } from 'vue'
import type { AuthTokenFetcher, ConvexAuthProvider, ConvexClientLike, ConvexPersister, ConvexSsrState } from '../_internal/types'
import { ConvexClient, ConvexHttpClient } from 'convex/browser'
import { provide } from 'vue'
import { isBrowser, resolveClient, usageError } from '../_internal'
import { activeApp, checkLifetime, clearCache } from '../_internal/cache'
import { applyAuth, applyAuthProvider, authLogger, createConvexContext, trackMount } from '../_internal/context'
import { createRegistry } from '../_internal/devtoolsRegistry'
import { ConvexClientKey, ConvexContextKey } from '../_internal/keys'

export { ConvexClientKey }
export type { ConvexClientLike, ConvexPersister, ConvexSsrState }

interface CommonOptions {
  /**
   * How to sign in: a token fetcher (`({ forceRefreshToken }) => Promise<string | null>`, as
   * for `client.setAuth`), or your auth provider's reactive state
   * `{ isLoading, isAuthenticated, fetchAccessToken }` (refs or getters), which is followed as it
   * changes. `useConvexAuth()` then reports `isLoading` / `isAuthenticated`. During server-side
   * rendering the token is fetched once and set on the HTTP client before the page's queries.
   * @default undefined (signed out; call `useConvexAuth().setAuth()` later)
   */
  auth?: AuthTokenFetcher | ConvexAuthProvider
  /**
   * Query results rendered on the server (`plugin.state` there, serialized into the page),
   * so the first render in the browser shows them without a loading state.
   * @default undefined
   */
  initialState?: ConvexSsrState
  /**
   * How long (ms) a query stays subscribed after its last component unmounts, so coming back
   * within it renders the live value at once, with no round trip. Each kept query is a live
   * subscription the server keeps running, so it is off unless you choose a time; `Infinity`
   * keeps queries until they are evicted. Every query can set its own. Emptied on any auth
   * change; never kept on the server.
   * @default 0
   */
  keepAliveMs?: number
  /**
   * How long (ms) a query's last value is kept after its last component unmounts (counted
   * from the same moment as `keepAliveMs`; a longer time keeps the value after the
   * subscription closed): coming back within it renders that value at once, with `isStale`,
   * while it subscribes again. Costs memory only. Every query can set its own. Emptied on any
   * auth change; never kept on the server.
   * @default 0
   */
  gcTimeMs?: number
  /**
   * Sets `keepAliveMs` and `gcTimeMs` at once: the single lifetime of earlier versions, which
   * kept the query subscribed.
   * @deprecated use `keepAliveMs` (and `gcTimeMs`)
   * @default undefined
   */
  gcTime?: number
  /**
   * At most this many queries are kept subscribed with no component using them, and as many
   * last values; the least recently used go first.
   * @default 100
   */
  maxIdleQueries?: number
  /**
   * Persists query results across reloads (`createConvexPersister({ buster })`): a reload
   * renders a query's last value in its first frame (`source: 'persisted'`, `isStale`), then
   * the live one. Mount after `await plugin.ready` so the first frame has them.
   * @default undefined (nothing persisted)
   */
  persist?: ConvexPersister
}

/** Options of {@link createConvexVue}: a deployment URL, or a client you made yourself. */
export type CreateConvexVueOptions = CommonOptions & (
  | {
    /**
     * Your deployment's URL, e.g. `import.meta.env.VITE_CONVEX_URL`.
     * @default none: give `url` or `client`
     */
    url: string
    /** Passed to `new ConvexClient(url, clientOptions)` in the browser. @default {} */
    clientOptions?: ConvexClientOptions
    client?: never
  }
  | {
    /**
     * A `ConvexClient` (or any object with the methods you use) to share with the app.
     * @default none: give `url` or `client`
     */
    client: ConvexClientLike
    url?: never
    clientOptions?: never
  })

/** The Vue plugin returned by {@link createConvexVue}. */
export interface ConvexVuePlugin {
  install: (app: App) => void
  /** After server-side rendering: the query results to serialize into the page for hydration. */
  state: ConvexSsrState
  /**
   * Settles once the plugin is installed and, with `persist`, the persisted results of the
   * signed-in identity are in memory: `app.use(plugin)`, then `await plugin.ready` before
   * `app.mount()` so the first frame renders them. Without `persist` (and on the server) it
   * settles at install; it never rejects.
   */
  ready: Promise<void>
}

/**
 * Creates the Vue plugin that provides one Convex client to the whole app.
 *
 * With `{ url }` it creates a `ConvexClient` in the browser (closed when the app unmounts)
 * and a `ConvexHttpClient` during server-side rendering, so the server never opens a WebSocket.
 *
 * @example
 * app.use(createConvexVue({ url: import.meta.env.VITE_CONVEX_URL }))
 */
export function createConvexVue(options: CreateConvexVueOptions): ConvexVuePlugin {
  const { url, client, clientOptions, auth, initialState, gcTime, keepAliveMs = gcTime ?? 0, gcTimeMs = gcTime ?? 0, maxIdleQueries = 100, persist } = (options ?? {}) as CommonOptions & { url?: string, client?: ConvexClientLike, clientOptions?: ConvexClientOptions }
  if (!client && typeof url !== 'string')
    throw usageError(7, 'createConvexVue', process.env.NODE_ENV !== 'production' && 'pass { url: import.meta.env.VITE_CONVEX_URL } or { client: new ConvexClient(url) }.')
  if (gcTime !== undefined)
    checkLifetime('createConvexVue', gcTime)
  checkLifetime('createConvexVue', keepAliveMs, 'keepAliveMs')
  checkLifetime('createConvexVue', gcTimeMs, 'gcTimeMs')
  if (!Number.isInteger(maxIdleQueries) || maxIdleQueries < 0)
    throw usageError(7, 'createConvexVue', process.env.NODE_ENV !== 'production' && `maxIdleQueries must be a whole number of queries (0 or more), got ${String(maxIdleQueries)}.`)
  const context = createConvexContext(initialState)
  context.cache = { keepAlive: keepAliveMs, gcTime: gcTimeMs, maxIdle: maxIdleQueries }
  let restored: () => void

  function createClient(app: App): ConvexClientLike {
    if (client)
      return client
    if (!isBrowser)
      return new ConvexHttpClient(url!) as unknown as ConvexClientLike
    // The client's log says why the server refused a token: useConvexAuth().error tells it too.
    const created = new ConvexClient(url!, { ...clientOptions, logger: authLogger(context, clientOptions?.logger, !!clientOptions?.verbose) })
    app.onUnmount(() => void created.close())
    return created as unknown as ConvexClientLike
  }

  return {
    state: context.ssr,
    ready: new Promise<void>((resolve) => {
      restored = resolve
    }),
    install(app) {
      const provided = createClient(app)
      app.provide(ConvexClientKey, provided)
      app.provide(ConvexContextKey, context)
      context.app = app
      trackMount(app, context)
      if (typeof auth === 'function')
        applyAuth(provided, context, auth)
      else if (auth)
        applyAuthProvider(provided, context, auth)
      if (isBrowser)
        activeApp.current = { client: provided, context }
      // Persisted results follow the signed-in identity from here on (its own module: an app
      // without `persist` ships none of it).
      if (persist && isBrowser && typeof provided.onUpdate === 'function')
        void persist.attach(provided, context, url).then(restored)
      else
        restored()
      // Vue Devtools: a "Convex" inspector and timeline, in development builds only (a
      // production build drops this branch and the devtools code with it), and only where
      // devtools are present (the extension or the Vite plugin set their hook before the app).
      if (process.env.NODE_ENV !== 'production' && isBrowser && (globalThis as { __VUE_DEVTOOLS_GLOBAL_HOOK__?: unknown }).__VUE_DEVTOOLS_GLOBAL_HOOK__) {
        const registry = context.devtools = createRegistry()
        import('../_internal/devtools').then(m => m.setupDevtools(app, context, provided, registry), () => {})
      }
      app.onUnmount(() => {
        context.stopProvider?.()
        clearCache(provided)
        if (activeApp.current?.client === provided)
          activeApp.current = undefined
      })
    },
  }
}

/**
 * Provides `client` to the calling component and its descendants, overriding the app's.
 * Call it inside `setup()`.
 */
export function provideConvexClient(client: ConvexClientLike): void {
  if (!client || typeof client !== 'object')
    throw usageError(7, 'provideConvexClient', process.env.NODE_ENV !== 'production' && 'pass a ConvexClient (or an object with the same methods).')
  provide(ConvexClientKey, client)
}

/**
 * The nearest Convex client, for anything the composables do not wrap
 * (`client.onUpdate`, `client.setAuth`, ...).
 *
 * @throws when neither `createConvexVue` nor `provideConvexClient` provided one.
 */
export function useConvexClient<Client extends ConvexClientLike = ConvexClient>(): Client {
  return resolveClient('useConvexClient') as Client
}
