// The types every layer shares: the client the composables need, the auth provider's shape
// and what server-side rendering hands to the browser. Function folders re-export them.
import type { FunctionReference } from 'convex/server'
import type { App, MaybeRefOrGetter } from 'vue'
import type { DevtoolsRegistry } from './devtoolsRegistry'

/**
 * Returns the user's JWT for Convex (`convex/browser`'s `AuthTokenFetcher`, which the
 * oldest convex of the peer range does not export: declared here so the published types hold).
 */
export type AuthTokenFetcher = (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>

/**
 * An auth provider's own state, in the shape of `convex/react`'s `ConvexProviderWithAuth`
 * `useAuth()`: Clerk, Auth0, Better Auth or WorkOS adapters are a few lines (see useConvexAuth).
 */
export interface ConvexAuthProvider {
  /** `true` while the provider itself does not know yet whether there is a user. */
  isLoading: MaybeRefOrGetter<boolean>
  /** Whether the provider has a signed-in user. */
  isAuthenticated: MaybeRefOrGetter<boolean>
  /** Returns the user's JWT for Convex (`null` without one); `forceRefreshToken` skips a cached token. */
  fetchAccessToken: AuthTokenFetcher
  /**
   * Whose token it is (a session id, a user and organization): when it changes while signed
   * in, the client signs in again at once with the new token, instead of at its next refresh.
   */
  key?: MaybeRefOrGetter<unknown>
}

/** What server-side rendering hands to the browser: query results and the signed-in state. */
export interface ConvexSsrState {
  /** Query results fetched during server-side rendering, by query and arguments. */
  queries: Record<string, unknown>
  /**
   * Queries that failed during server-side rendering, by query and arguments: their message,
   * and a `ConvexError`'s `data`. The browser hydrates the same error, then retries live.
   */
  errors?: Record<string, { message: string, data?: unknown }>
  /** Whether the page was rendered for a signed-in user (set when the server had an auth token fetcher). */
  auth?: { isAuthenticated: boolean }
}

/**
 * What the composables need from a client. A `ConvexClient` satisfies it, and so does a
 * `ConvexHttpClient` (actions, mutations and one-shot queries) or a test double: each
 * composable checks only for the methods it calls.
 */
export interface ConvexClientLike {
  action?: (action: FunctionReference<'action'>, args: any) => Promise<any>
  mutation?: (mutation: FunctionReference<'mutation'>, args: any, options?: any) => Promise<any>
  query?: (query: FunctionReference<'query'>, args: any) => Promise<any>
  onUpdate?: (query: FunctionReference<'query'>, args: any, callback: (value: any) => unknown, onError?: (e: Error) => unknown) => any
  onPaginatedUpdate_experimental?: (query: FunctionReference<'query'>, args: any, options: { initialNumItems: number }, callback: (value: any) => unknown, onError?: (e: Error) => unknown) => any
  connectionState?: () => any
  subscribeToConnectionState?: (callback: (state: any) => void) => () => void
  /** `ConvexClient`: `(fetchToken, onChange)`; `ConvexHttpClient`: `(token)`. */
  setAuth?: ((fetchToken: AuthTokenFetcher, onChange?: (isAuthenticated: boolean) => void) => void) | ((token: string) => void)
  close?: () => Promise<void>
}

/**
 * Where a query's value came from: the server render (`ssr`), storage of an earlier visit
 * (`persisted`), the cache after its subscription closed (`cache`), the live subscription
 * (`live`), or a mutation's optimistic update not confirmed yet (`optimistic`, devtools).
 */
export type QuerySource = 'ssr' | 'persisted' | 'cache' | 'live' | 'optimistic'

/** The plugin's cache settings (`createConvexVue({ keepAliveMs, gcTimeMs, maxIdleQueries })`). */
export interface CacheSettings {
  /** How long (ms) a query stays subscribed after its last reader left. */
  keepAlive: number
  /** How long (ms) its last value is kept after its last reader left. */
  gcTime: number
  /** At most this many idle queries (and as many kept values); the least recently used go first. */
  maxIdle: number
}

/**
 * What the query cache asks of a persister (`createConvexPersister`), set on the context by
 * the plugin's `persist` option. Everything else of persistence stays in its own module, so
 * an app without it ships none of it.
 */
export interface PersistLink {
  /** The value persisted for `key` under the current identity, restored into memory; none while the identity is unknown. */
  read: (key: string) => { value: unknown, at: number } | undefined
  /**
   * A reader subscribed to `key`: `value` hears its live values (persisted, throttled, when the
   * signed-in identity is confirmed), `attach` gets the client's subscription (its current
   * value is persisted once the identity is confirmed), `end` is called when it leaves.
   */
  live: (key: string) => { value: (value: unknown) => void, attach: (subscription: unknown) => void, end: () => void }
  /** The persisted results in memory, with when each was received (devtools). */
  list: () => Array<{ key: string, at: number }>
}

/**
 * A persister for the plugin's `persist` option, made by `createConvexPersister`: it restores
 * the signed-in identity's persisted results and keeps them up to date as live values arrive.
 */
export interface ConvexPersister {
  /**
   * Connects it to the plugin's client and shared state (the plugin calls it once, at install);
   * settles once the results of the current identity are in memory, or when it stops waiting.
   */
  attach: (client: ConvexClientLike, context: ConvexContext, url?: string) => Promise<void>
}

/** What the plugin shares besides the client: auth state and the SSR query results. */
export interface ConvexContext {
  /**
   * Kept up to date by `useConvexAuth` and the `auth` option. `isRefreshing`: the server
   * refused the confirmed token and the client is fetching a fresh one (convex/react's).
   */
  auth: { isLoading: boolean, isAuthenticated: boolean, isRefreshing: boolean, error: Error | null, fetchToken: AuthTokenFetcher | null }
  /** Why the server last refused a token, as the client logged it (clients the plugin created). */
  refusal?: string
  /** Filled on the server by `useConvexQuery`, read on the client to hydrate. */
  ssr: ConvexSsrState
  /** The app the plugin is installed in: its `config.errorHandler` hears callback errors. */
  app?: App
  /** Stops following the reactive provider in use, if any. */
  stopProvider?: () => void
  /**
   * Server-side rendering: settles once the token of the signed-in user is set on the HTTP
   * client (or refused), so the render's queries run as that user.
   */
  authReady?: Promise<void>
  /**
   * Set once the app has mounted (hydrated). Before it, auth calls set up the user the page
   * was rendered for; after it, any auth change drops the server's results.
   */
  mounted?: boolean
  /** Settles once the last sign-out has been through the client's auth manager. */
  signingOut?: Promise<void>
  /** The query cache's settings (`createConvexVue({ keepAliveMs, gcTimeMs, maxIdleQueries })`). */
  cache?: CacheSettings
  /** The persisted cache, when the plugin has `persist`. */
  persist?: PersistLink
  /** What Vue Devtools shows (development builds in a browser only). */
  devtools?: DevtoolsRegistry
}

/**
 * The routes of the server that keeps the refresh token in an httpOnly cookie (the handlers of
 * `setupConvexAuthServer` from `@convex-dev/auth/ssr`): the Nuxt module mounts them for you.
 * (Here, not beside useConvexAuthActions: the server entry uses it without the browser's code.)
 */
export interface ConvexAuthServerRoutes {
  /** The sign-in proxy (`convexProxyHandler`). */
  signIn: string
  /** `refreshHandler`. */
  refresh: string
  /** `signOutHandler`. */
  signOut: string
}
