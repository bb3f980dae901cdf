import type { ConvexClientOptions } from 'convex/browser'
import type { App } from 'vue'
import type { AuthTokenFetcher, ConvexAuthProvider, ConvexClientLike, ConvexSsrState } from '../_internal/types'
import { ConvexClient, ConvexHttpClient } from 'convex/browser'
import { provide } from 'vue'
import { isBrowser, resolveClient, usageError } from '../_internal'
import { activeApp, checkGcTime, clearCache } from '../_internal/cache'
import { applyAuth, applyAuthProvider, authLogger, createConvexContext, trackMount } from '../_internal/context'
import { createRegistry } from '../_internal/devtoolsRegistry'
import { ConvexClientKey, ConvexContextKey } from '../_internal/keys'

export { ConvexClientKey }
export type { ConvexClientLike, ConvexSsrState }

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
   * renders at once from its live value. Each kept query is a live subscription the server
   * keeps running, so it is off unless you choose a time; `Infinity` keeps queries until they
   * are evicted. Every query can set its own (`gcTime` option). Emptied on any auth change.
   * @default 0
   */
  gcTime?: number
  /**
   * At most this many queries are kept with no component using them; the least recently used
   * goes first.
   * @default 100
   */
  maxIdleQueries?: number
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
  const { url, client, clientOptions, auth, initialState, gcTime = 0, maxIdleQueries = 100 } = (options ?? {}) as CommonOptions & { url?: string, client?: ConvexClientLike, clientOptions?: ConvexClientOptions }
  if (!client && typeof url !== 'string')
    throw usageError(7, 'createConvexVue', process.env.NODE_ENV !== 'production' && 'pass { url: import.meta.env.VITE_CONVEX_URL } or { client: new ConvexClient(url) }.')
  checkGcTime('createConvexVue', gcTime)
  if (!Number.isInteger(maxIdleQueries) || maxIdleQueries < 0)
    throw usageError(7, 'createConvexVue', process.env.NODE_ENV !== 'production' && `maxIdleQueries must be a whole number of queries (0 or more), got ${String(maxIdleQueries)}.`)
  const context = createConvexContext(initialState)
  context.cache = { gcTime, maxIdle: maxIdleQueries }

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
