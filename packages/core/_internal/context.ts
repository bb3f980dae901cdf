// The plugin's shared state besides the client: auth status and server-rendered query results.
import type { FunctionReference } from 'convex/server'
import type { Value } from 'convex/values'
import type { App } from 'vue'
import type { KnownValue } from './cache'
import type { AuthTokenFetcher, ConvexAuthProvider, ConvexClientLike, ConvexContext, ConvexSsrState, QuerySource } from './types'
import { getFunctionName } from 'convex/server'
import { ConvexError } from 'convex/values'
import { effectScope, getCurrentInstance, handleError, hasInjectionContext, inject, shallowReactive, toValue, watch } from 'vue'
import { toError } from './args'
import { clearCache } from './cache'
import { ConvexContextKey } from './keys'

export type { AuthTokenFetcher, ConvexAuthProvider, ConvexContext } from './types'

const NOT_RENDERED = Object.freeze({ found: false })

/**
 * The server-rendered result for `key`, for the render that hydrates: each result is handed out
 * during one pass of rendering (every component of it that asks for the key gets it), then
 * dropped, so a query mounted later never shows data that may since have changed or belonged
 * to another user. `undefined` (with `found: false`) when there is none.
 */
export function takeRendered(context: ConvexContext | null, key: string): { found: boolean, value?: unknown, error?: Error } {
  const failed = take(context?.ssr.errors, key)
  if (failed.found) {
    const { message, data } = failed.value!
    const error = data === undefined ? new Error(message) : new ConvexError(data as Value)
    error.message = message // as the server rendered it, so the hydrating render matches
    return { found: true, error }
  }
  return take(context?.ssr.queries, key)
}

/** `map[key]`, handed out during one pass of rendering, then dropped. */
function take<T>(map: Record<string, T> | undefined, key: string): { found: boolean, value?: T } {
  if (!map || !(key in map))
    return NOT_RENDERED
  const value = map[key]
  // Components of the same synchronous render share it; it is gone by the next task.
  setTimeout(() => {
    if (map[key] === value)
      delete map[key]
  })
  return { found: true, value }
}

/**
 * Hands a new subscription what is known at once: the client's current value (another
 * subscriber already has it, or its error), else the result rendered on the server for
 * `ssrKey`, else a value the cache kept or persisted (`known`, shown stale until the live one).
 */
export function deliverKnown(subscription: any, context: ConvexContext | null, ssrKey: string, onValue: (value: any) => void, onError: (error: Error) => void, known?: KnownValue, onKnown: (value: any, source: QuerySource) => void = onValue): void {
  let current: unknown
  try {
    current = subscription?.getCurrentValue?.()
  }
  catch (e) {
    return onError(e as Error)
  }
  if (current !== undefined)
    return onValue(current)
  const rendered = takeRendered(context, ssrKey)
  if (rendered.error)
    onError(rendered.error)
  else if (rendered.found)
    onKnown(rendered.value, 'ssr')
  else if (known)
    onKnown(known.value, known.source)
}

/** Drops every server-rendered result: they belong to the user the page was rendered for. */
export function clearRendered(context: ConvexContext): void {
  for (const key of Object.keys(context.ssr.queries))
    delete context.ssr.queries[key]
  delete context.ssr.errors
}

/**
 * A fresh context: nothing fetched, and signed out, or signed in as the server rendered the
 * page (`initialState.auth`), so the hydrating render matches the server's HTML.
 */
export function createConvexContext(initialState?: ConvexSsrState): ConvexContext {
  const rendered = initialState?.auth
  return {
    auth: shallowReactive({ isLoading: false, isAuthenticated: !!rendered?.isAuthenticated, isRefreshing: false, error: null as Error | null, fetchToken: null as AuthTokenFetcher | null }),
    ssr: { queries: { ...initialState?.queries }, errors: initialState?.errors && { ...initialState.errors }, auth: rendered && { ...rendered } },
  }
}

/**
 * Marks the context mounted once `app.mount()` returns: from then on an auth change is another
 * user. A page rendered signed in, whose app set no token by then, reads signed out.
 */
export function trackMount(app: App, context: ConvexContext): void {
  const mount = app.mount
  app.mount = ((...args: Parameters<App['mount']>) => {
    try {
      return mount(...args)
    }
    finally {
      context.mounted = true
      // Rendered signed in, but the app gave no way to sign in here.
      if (!context.auth.fetchToken && !context.stopProvider) {
        delete context.ssr.auth
        context.auth.isAuthenticated = false
      }
    }
  }) as App['mount']
}

/**
 * A one-shot query of server-side rendering (`client.query` of the HTTP client), made once the
 * signed-in user's token is set; its result is kept under `key` for hydration.
 */
export function serverQuery(client: ConvexClientLike, context: ConvexContext | null, reference: FunctionReference<'query'>, args: unknown, key: string): Promise<any> {
  const fetched = context?.authReady
    ? context.authReady.then(() => client.query!(reference, args))
    : client.query!(reference, args)
  return fetched.then((value: unknown) => {
    if (context)
      context.ssr.queries[key] = value
    return value
  }, (e: unknown) => {
    const error = toError(e)
    if (context) {
      ;(context.ssr.errors ??= {})[key] = { message: error.message, data: (error as { data?: unknown }).data }
      // The server's log names the query (not its arguments, never the token) and says why.
      console.error(`[vueuse-convex] The query ${getFunctionName(reference)} failed while rendering on the server: ${error.message}`)
    }
    throw error
  })
}

/**
 * Starts the client's token flow and mirrors it into `context.auth`: loading until the server
 * confirmed (or refused) the token.
 */
export function applyAuth(client: ConvexClientLike, context: ConvexContext, fetchToken: AuthTokenFetcher | null): void {
  context.stopProvider?.()
  context.stopProvider = undefined
  setFetcher(client, context, fetchToken)
}

/**
 * Follows a reactive auth provider: loading while it is, signed in through its token fetcher
 * (loading until the server confirmed) while it has a user, signed out otherwise.
 */
export function applyAuthProvider(client: ConvexClientLike, context: ConvexContext, provider: ConvexAuthProvider): void {
  context.stopProvider?.()
  const scope = effectScope(true)
  context.stopProvider = () => scope.stop()
  let fetcher: AuthTokenFetcher | undefined
  scope.run(() => watch(
    // Sources compared one by one: a provider whose state re-evaluates to the same values (a
    // refreshed user object, say) signs nobody in or out again; another `key` is another user.
    [() => !!toValue(provider.isLoading), () => !!toValue(provider.isAuthenticated), () => toValue(provider.key)],
    ([loading, authenticated], previous) => {
      if (loading) {
        // A page rendered signed in stays so until the browser's token is confirmed or refused.
        if (!context.ssr.auth?.isAuthenticated) {
          context.auth.isLoading = true
          context.auth.isAuthenticated = false
        }
        return
      }
      // A fetcher of its own per user, so that signing another one in is a new sign-in.
      if (!fetcher || previous?.[2] !== toValue(provider.key))
        fetcher = args => provider.fetchAccessToken(args)
      setFetcher(client, context, authenticated ? fetcher : null)
    },
    { immediate: true, flush: 'sync' },
  ))
}

function setFetcher(client: ConvexClientLike, context: ConvexContext, fetchToken: AuthTokenFetcher | null): void {
  const auth = context.auth
  const signedInBefore = !!auth.fetchToken
  auth.fetchToken = fetchToken
  auth.error = null
  auth.isRefreshing = false
  const live = typeof client.setAuth === 'function' && typeof client.onUpdate === 'function'
  if (!live)
    return setServerToken(client, context, fetchToken)
  // Another user (or none) from now on: what the server rendered is not theirs to see. (Calls
  // before the app mounted set up the user the page was rendered for.)
  if (context.mounted)
    clearRendered(context)
  // Queries kept for returning components belong to the previous user too.
  clearCache(client)
  if (!fetchToken) {
    delete context.ssr.auth
    auth.isLoading = false
    auth.isAuthenticated = false
    if (signedInBefore) {
      // Two public steps: the sync client tells the server now (Authenticate None), and a
      // fetcher with no token replaces the old one in the auth manager, so the refresh it had
      // scheduled can never bring the old token back. (setAuth alone pauses the socket while
      // it fetches, and the server would never hear of the sign-out.)
      ;(client as { client?: { clearAuth?: () => void } }).client?.clearAuth?.()
      // The client's auth manager loses a token given while a token-less fetcher is still
      // being asked (convex 1.48): the next sign-in waits until this one has answered.
      context.signingOut = new Promise<void>(resolve => setClientAuth(client, async () => null, () => resolve()))
    }
    else {
      ;(client as { clearAuth?: () => void }).clearAuth?.()
    }
    return
  }
  // Hydrating a page rendered signed in: it stays so while the token is confirmed.
  if (!context.ssr.auth?.isAuthenticated) {
    auth.isLoading = true
    auth.isAuthenticated = false
  }
  // A fetcher that throws (the identity provider is down) would leave the client waiting for a
  // token for good, with every call paused: it counts as "no token", and the reason is kept.
  // A replaced fetcher answers "no token", so a refresh it had scheduled signs nobody in.
  let gaveToken = false
  const guarded: AuthTokenFetcher = async (args) => {
    if (auth.fetchToken !== fetchToken)
      return null
    try {
      const token = await fetchToken(args)
      gaveToken = !!token
      return token
    }
    catch (e) {
      if (auth.fetchToken === fetchToken)
        auth.error = toError(e)
      return null
    }
  }
  const signIn = () => {
    if (auth.fetchToken !== fetchToken)
      return // replaced while the sign-out finished
    setClientAuth(client, guarded, (isAuthenticated) => {
      if (auth.fetchToken !== fetchToken)
        return // replaced meanwhile
      delete context.ssr.auth
      if (auth.isAuthenticated && !isAuthenticated) {
        // The server ended the session.
        clearRendered(context)
        clearCache(client)
      }
      // A token was given and refused: never silently signed out.
      if (!isAuthenticated && gaveToken && !auth.error)
        auth.error = refusedError(context.refusal)
      context.refusal = undefined
      auth.isAuthenticated = isAuthenticated
      auth.isLoading = false
      if (isAuthenticated)
        auth.error = null
      else
        auth.isRefreshing = false
    }, (isRefreshing) => {
      if (auth.fetchToken !== fetchToken)
        return
      auth.isRefreshing = isRefreshing
      if (!isRefreshing)
        context.refusal = undefined // the fresh token was accepted
    })
  }
  if (context.signingOut)
    void context.signingOut.then(signIn)
  else
    signIn()
}

/** Why a token was refused, to show the user or a developer (never the token itself). */
function refusedError(reason: string | undefined): Error {
  return new Error(`[vueuse-convex] The Convex server refused the user's token${reason ? `: ${reason}` : ''}. ${
    process.env.NODE_ENV !== 'production' ? 'Check that convex/auth.config.ts lists the token\'s issuer (domain) and audience (applicationID), and that the token has not expired.' : 'Sign in again.'}`)
}

/**
 * What convex's client logs when the server refuses a token: `attempting to reauthenticate:
 * <reason> [v1]` (verbose) as it tries another, `Failed to authenticate: "<reason>", …` as it gives up.
 */
const REFUSED = /^(?:attempting to reauthenticate: ([\s\S]*?)(?: \[v\d+\])?$|Failed to authenticate: "([\s\S]*)", check your server auth config)/

/**
 * The logger of a client the plugin creates: convex's own output (the console, `false`: none,
 * or the app's logger), and the reason the server gave when it refused a token, kept for
 * `useConvexAuth().error`.
 */
export function authLogger(context: ConvexContext, own: ConvexLogger | boolean | undefined, verbose: boolean): ConvexLogger {
  const out: ConvexLogger = typeof own === 'object'
    ? own
    : own === false
      ? { logVerbose() {}, log() {}, warn() {}, error() {} }
      : {
          // Convex's own output, as its default logger writes it (its functions' logs, say).
          // eslint-disable-next-line no-console
          logVerbose: (...a) => verbose && console.debug(new Date().toISOString(), ...a),
          // eslint-disable-next-line no-console
          log: (...a) => console.log(...a),
          warn: (...a) => console.warn(...a),
          error: (...a) => console.error(...a),
        }
  const hear = (first: unknown) => {
    const match = typeof first === 'string' ? REFUSED.exec(first) : null
    if (match)
      context.refusal = match[1] ?? match[2]
  }
  return {
    logVerbose: (...a) => {
      hear(a[0])
      out.logVerbose(...a)
    },
    log: (...a) => out.log(...a),
    warn: (...a) => out.warn(...a),
    error: (...a) => {
      hear(a[0])
      out.error(...a)
    },
  }
}

/** convex/browser's `Logger`. */
export interface ConvexLogger {
  logVerbose: (...args: any[]) => void
  log: (...args: any[]) => void
  warn: (...args: any[]) => void
  error: (...args: any[]) => void
}

/**
 * `client.setAuth(fetchToken, onChange)`, with `onRefreshChange` where the client reports it:
 * `ConvexClient.setAuth` does not pass it on (convex 1.48), its sync client's `setAuth` does.
 */
function setClientAuth(client: ConvexClientLike, fetchToken: AuthTokenFetcher, onChange: (isAuthenticated: boolean) => void, onRefreshChange?: (isRefreshing: boolean) => void): void {
  type SetAuth = (f: AuthTokenFetcher, c: (isAuthenticated: boolean) => void, r?: (isRefreshing: boolean) => void) => void
  let sync: { setAuth?: SetAuth } | undefined
  try {
    sync = onRefreshChange && !(client as { disabled?: boolean }).disabled ? (client as { client?: { setAuth?: SetAuth } }).client : undefined
  }
  catch {} // a disabled ConvexClient (server-side rendering) has no sync client
  if (typeof sync?.setAuth === 'function')
    sync.setAuth(fetchToken, onChange, onRefreshChange)
  else
    (client.setAuth as SetAuth)(fetchToken, onChange)
}

/**
 * Server-side rendering: the HTTP client has no token flow, so the token is fetched once and
 * set before the render's queries run (`authReady`); the result travels with the page.
 */
function setServerToken(client: ConvexClientLike, context: ConvexContext, fetchToken: AuthTokenFetcher | null): void {
  const auth = context.auth
  const http = client as { setAuth?: (token: string) => void, clearAuth?: () => void }
  const settle = (token: string | null | undefined) => {
    if (auth.fetchToken !== fetchToken)
      return // replaced meanwhile
    if (token)
      http.setAuth?.(token)
    else
      http.clearAuth?.()
    auth.isAuthenticated = !!token
    auth.isLoading = false
    context.ssr.auth = { isAuthenticated: !!token }
  }
  if (!fetchToken) {
    context.authReady = undefined
    return settle(null)
  }
  auth.isLoading = true
  context.authReady = Promise.resolve()
    .then(() => fetchToken({ forceRefreshToken: false }))
    .then(settle, (e: unknown) => {
      if (auth.fetchToken === fetchToken)
        auth.error = toError(e)
      settle(null)
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
