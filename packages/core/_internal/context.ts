// The plugin's shared state besides the client: auth status and server-rendered query results.
import type { AuthTokenFetcher } from 'convex/browser'
import type { App, MaybeRefOrGetter } from 'vue'
import type { ConvexClientLike, ConvexSsrState } from '../useConvexClient'
import { effectScope, getCurrentInstance, handleError, hasInjectionContext, inject, shallowReactive, toValue, watch } from 'vue'
import { ConvexContextKey } from '../useConvexClient/key'
import { toError } from './args'

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
}

/** What the plugin shares besides the client: auth state and the SSR query results. */
export interface ConvexContext {
  /** Kept up to date by `useConvexAuth` and the `auth` option. */
  auth: { isLoading: boolean, isAuthenticated: boolean, error: Error | null, fetchToken: AuthTokenFetcher | null }
  /** Filled on the server by `useConvexQuery`, read on the client to hydrate. */
  ssr: ConvexSsrState
  /** The app the plugin is installed in: its `config.errorHandler` hears callback errors. */
  app?: App
  /** Stops following the reactive provider in use, if any. */
  stopProvider?: () => void
}

const NOT_RENDERED = Object.freeze({ found: false })

/**
 * The server-rendered result for `key`, for the render that hydrates: each result is handed out
 * during one pass of rendering (every component of it that asks for the key gets it), then
 * dropped, so a query mounted later never shows data that may since have changed or belonged
 * to another user. `undefined` (with `found: false`) when there is none.
 */
export function takeRendered(context: ConvexContext | null, key: string): { found: boolean, value?: unknown } {
  const rendered = context?.ssr.queries
  if (!rendered || !(key in rendered))
    return NOT_RENDERED
  const value = rendered[key]
  // Components of the same synchronous render share it; it is gone by the next task.
  setTimeout(() => {
    if (rendered[key] === value)
      delete rendered[key]
  })
  return { found: true, value }
}

/** Drops every server-rendered result: they belong to the user the page was rendered for. */
export function clearRendered(context: ConvexContext): void {
  for (const key of Object.keys(context.ssr.queries))
    delete context.ssr.queries[key]
}

/** A fresh context: signed out, nothing fetched. */
export function createConvexContext(initialState?: ConvexSsrState): ConvexContext {
  return {
    auth: shallowReactive({ isLoading: false, isAuthenticated: false, error: null as Error | null, fetchToken: null as AuthTokenFetcher | null }),
    ssr: { queries: { ...initialState?.queries } },
  }
}

/**
 * Starts the client's token flow and mirrors it into `context.auth`: loading until the server
 * confirmed (or refused) the token.
 */
export function applyAuth(client: ConvexClientLike, context: ConvexContext, fetchToken: AuthTokenFetcher | null, initial = false): void {
  context.stopProvider?.()
  context.stopProvider = undefined
  setFetcher(client, context, fetchToken, initial)
}

/**
 * Follows a reactive auth provider: loading while it is, signed in through its token fetcher
 * (loading until the server confirmed) while it has a user, signed out otherwise.
 */
export function applyAuthProvider(client: ConvexClientLike, context: ConvexContext, provider: ConvexAuthProvider, initial = false): void {
  context.stopProvider?.()
  const scope = effectScope(true)
  let first = initial
  context.stopProvider = () => scope.stop()
  scope.run(() => watch(
    // Two sources, compared one by one: a provider whose state re-evaluates to the same values
    // (a refreshed user object, say) signs nobody in or out again.
    [() => !!toValue(provider.isLoading), () => !!toValue(provider.isAuthenticated)],
    ([loading, authenticated]) => {
      if (loading) {
        context.auth.isLoading = true
        context.auth.isAuthenticated = false
        return
      }
      setFetcher(client, context, authenticated ? provider.fetchAccessToken : null, first)
      first = false
    },
    { immediate: true, flush: 'sync' },
  ))
}

function setFetcher(client: ConvexClientLike, context: ConvexContext, fetchToken: AuthTokenFetcher | null, initial: boolean): void {
  const auth = context.auth
  const signedInBefore = !!auth.fetchToken
  auth.fetchToken = fetchToken
  auth.error = null
  const live = typeof client.setAuth === 'function' && typeof client.onUpdate === 'function'
  // Another user (or none) from now on: what the server rendered is not theirs to see. (The
  // plugin's own first call is the user the page was rendered for.)
  if (live && !initial)
    clearRendered(context)
  if (!fetchToken) {
    auth.isLoading = false
    auth.isAuthenticated = false
    if (live && (signedInBefore || !initial)) {
      // Two public steps: the sync client tells the server now (Authenticate None), and a
      // fetcher with no token replaces the old one in the auth manager, so the refresh it had
      // scheduled can never bring the old token back. (setAuth alone pauses the socket while
      // it fetches, and the server would never hear of the sign-out.)
      ;(client as { client?: { clearAuth?: () => void } }).client?.clearAuth?.()
      ;(client.setAuth as (f: AuthTokenFetcher, c: (isAuthenticated: boolean) => void) => void)(async () => null, () => {})
    }
    else {
      ;(client as { clearAuth?: () => void }).clearAuth?.()
    }
    return
  }
  if (!live) {
    // An HTTP client (server-side rendering) has no token flow: its setAuth takes a token
    // string, which the app sets itself when it renders for a signed-in user.
    auth.isLoading = false
    return
  }
  auth.isLoading = true
  // A fetcher that throws (the identity provider is down) would leave the client waiting for a
  // token for good, with every call paused: it counts as "no token", and the reason is kept.
  const guarded: AuthTokenFetcher = async (args) => {
    try {
      return await fetchToken(args)
    }
    catch (e) {
      if (auth.fetchToken === fetchToken)
        auth.error = toError(e)
      return null
    }
  }
  ;(client.setAuth as (f: AuthTokenFetcher, c: (isAuthenticated: boolean) => void) => void)(guarded, (isAuthenticated) => {
    if (auth.fetchToken !== fetchToken)
      return // replaced meanwhile
    if (auth.isAuthenticated && !isAuthenticated)
      clearRendered(context) // the server ended the session
    auth.isAuthenticated = isAuthenticated
    auth.isLoading = false
    if (isAuthenticated)
      auth.error = null
  })
}

/** The plugin's context, or `null` where no plugin was installed. */
export function injectContext(): ConvexContext | null {
  return hasInjectionContext() ? inject(ConvexContextKey, null) : null
}

/** Vue's code for errors of user callbacks (`ErrorCodes.COMPONENT_EVENT_HANDLER`). */
const CALLBACK_ERROR = 6

/**
 * A function that reports an error thrown by a user's callback (`onSuccess`, `onError`)
 * through Vue's error handling: the component's `errorCaptured` hooks and the app's
 * `config.errorHandler`, or the console where there is no app. Call it in setup.
 */
export function useErrorReporter(): (error: unknown) => void {
  const instance = getCurrentInstance()
  const app = instance ? undefined : injectContext()?.app
  return (error) => {
    const handler = app?.config.errorHandler
    if (handler)
      handler(error, null, 'vueuse-convex callback')
    else
      handleError(error, instance, CALLBACK_ERROR, false)
  }
}
