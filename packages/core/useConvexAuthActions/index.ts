// Convex Auth 2 (@convex-dev/auth) for Vue: its framework-free `AuthClient`
// (@convex-dev/auth/browser) owns the session — storage, refresh under a cross-tab lock, other
// tabs, sign-out — and this file only binds it to the plugin's client and to Vue's reactivity,
// as `ConvexAuthProvider` of `@convex-dev/auth/react` binds it to React.
import type { TokenStorage } from '@convex-dev/auth/browser'
import type { ConvexAuthApi, SignInEnvelope, SlimTokenBundle } from '@convex-dev/auth/ssr'
import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import type { ComputedRef } from 'vue'
import type { ConvexAuthProvider, ConvexAuthServerRoutes, ConvexClientLike } from '../_internal/types'
import { AuthClient, defaultStorage, InMemoryStorage } from '@convex-dev/auth/browser'
import { ConvexHttpClient } from 'convex/browser'
import { computed, effectScope, shallowRef, watch } from 'vue'
import { isBrowser, resolveClient, usageError } from '../_internal'
import { applyAuthProvider, createConvexContext, injectContext } from '../_internal/context'
import { deploymentUrl } from '../_internal/once'

export type { ConvexAuthServerRoutes, TokenStorage }

/** A sign-in function of a Convex Auth 2 method (`api.auth.signInWithUsernamePassword`, say). */
export type ConvexAuthSignInFunction = FunctionReference<'mutation', 'public', any, SignInEnvelope | { status: 'complete', tokens: SlimTokenBundle }>

/** Options of {@link useConvexAuthActions}; they apply on its first call for a client. */
export interface UseConvexAuthActionsOptions {
  /**
   * The app's Convex Auth functions, `api.auth` (what `setupConvexAuth` returns and
   * `convex/auth.ts` exports): `refreshSession` and `signOut` keep the session,
   * `isAuthenticated` signs this client out as soon as the server ends it.
   * @default undefined (needed unless `server` is set)
   */
  api?: Partial<ConvexAuthApi>
  /**
   * The refresh token stays on a server of yours, in an httpOnly cookie (Convex Auth's `ssr`
   * mode): sign-in, refresh and sign-out go through these routes. The Nuxt module sets it.
   * @default undefined (`spa` mode: the browser holds the refresh token)
   */
  server?: ConvexAuthServerRoutes
  /**
   * An access token the server already has for this user (`ssr` mode): the first render is signed in.
   * @default null
   */
  initialToken?: string | null
  /**
   * Where the tokens are kept between visits. `null` keeps them in memory (signed out on reload).
   * @default localStorage in a browser
   */
  storage?: TokenStorage | null
  /**
   * Tells apart the sessions of several deployments in one storage (Convex Auth's own keys, so a
   * React app's session carries over).
   * @default the deployment URL
   */
  storageNamespace?: string
  /**
   * The client to sign in, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
}

/** What {@link useConvexAuthActions} returns. */
export interface UseConvexAuthActionsReturn {
  /**
   * Runs one of your sign-in functions (`api.auth.signUpWithUsernamePassword`, say) and, when it
   * completes, signs the client in with the session it minted. Resolves with the function's
   * result: check `status`, and `userError` when it is `'error'` (a wrong password, say).
   */
  signIn: <F extends ConvexAuthSignInFunction>(signInFunction: F, args: FunctionArgs<F>) => Promise<FunctionReturnType<F>>
  /** Adopts a session a sign-in method minted (`result.tokens` of a completed sign-in). */
  setSession: (session: SlimTokenBundle) => Promise<void>
  /** Signs out: the server ends the session, and it ends here and in the other tabs. */
  signOut: () => Promise<void>
  /** The user's current access token (a JWT), `null` when signed out. */
  token: ComputedRef<string | null>
  /** Convex Auth's own client (`@convex-dev/auth/browser`), for what this binding does not cover. */
  authClient: AuthClient
}

/** One client's Convex Auth session. */
const sessions = new WeakMap<ConvexClientLike, UseConvexAuthActionsReturn>()

/** The `sub` claim of a JWT (Convex Auth's session id), `null` for none. */
function subjectOf(jwt: string | null): string | null {
  try {
    const payload = jwt?.split('.')[1]
    return payload ? (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub ?? null : null
  }
  catch {
    return null
  }
}

/** POSTs to one of the server's session routes and reads its `{ tokens }` (any failure: none). */
async function post(route: string): Promise<SlimTokenBundle | null> {
  const response = await fetch(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' })
  return ((await response.json().catch(() => null)) as { tokens?: SlimTokenBundle | null } | null)?.tokens ?? null
}

/**
 * Signs users in with Convex Auth 2 (`@convex-dev/auth`): call it once in the root component
 * with your `api.auth`, and the plugin's client is signed in with the stored session (if any)
 * and follows it; `useConvexAuth()` and the gates show the state. Any component may call it
 * again for `signIn` / `signOut` / `token` (the same session). The session itself is Convex
 * Auth's `AuthClient`; install `@convex-dev/auth` in the app.
 *
 * @example
 * const { signIn, signOut } = useConvexAuthActions({ api: api.auth })
 * const result = await signIn(api.auth.signInWithUsernamePassword, { username, password })
 * if (result.status === 'error') show(result.userError)
 */
export function useConvexAuthActions(options: UseConvexAuthActionsOptions = {}): UseConvexAuthActionsReturn {
  const NAME = 'useConvexAuthActions'
  const client = resolveClient(NAME, options.client)
  const existing = sessions.get(client)
  if (existing)
    return existing
  const { api = {}, server } = options
  if (!server && (!api.refreshSession || !api.signOut))
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'pass your Convex Auth functions on the first call: useConvexAuthActions({ api: api.auth }) (convex/auth.ts exports refreshSession, signOut and isAuthenticated).')
  if (typeof client.mutation !== 'function')
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'the client has no mutation(). Pass a ConvexClient.')
  const context = (!options.client && injectContext()) || createConvexContext()
  const url = deploymentUrl(client)
  // Refresh and sign-out never go over the socket: it is paused while it waits for a token.
  const http = url ? new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true, logger: false }) : null
  const direct = (fn: FunctionReference<'mutation'>, args: any) => (http ?? client).mutation!(fn, args)
  // Under `ssr` the sign-in proxy moves the refresh token into its cookie.
  const proxy = server && new ConvexHttpClient(`${server.signIn}?path=`, { skipConvexDeploymentUrlCheck: true, logger: false })
  const storage = options.storage === null ? new InMemoryStorage() : options.storage ?? defaultStorage()
  const base = { storage, storageNamespace: options.storageNamespace ?? url ?? '', initialAccessToken: options.initialToken ?? null }
  const authClient = server
    ? new AuthClient({ ...base, mode: 'ssr', authApi: { refreshSession: () => post(server.refresh), signOut: async () => void await post(server.signOut) } })
    : new AuthClient({ ...base, mode: 'spa', authApi: {
        refreshSession: refreshToken => direct(api.refreshSession!, { refreshToken }),
        signOut: async refreshToken => void await direct(api.signOut!, { refreshToken }),
      } })

  // Convex Auth's client lets a refresh that was in flight when the session ended (signed out
  // here, or in another tab) store its rotated tokens afterwards: the user would be signed back
  // in, in every tab. So sign-outs are counted, and a token fetched across one is never shown:
  // the session it rotated is signed out instead (see fetchAccessToken below).
  let signOuts = 0
  let hadToken = false
  const fetches = new Set<{ signOuts: number }>()
  const crossedSignOut = () => [...fetches].some(fetch => fetch.signOuts !== signOuts)
  const state = shallowRef(authClient.getSnapshot())
  authClient.subscribe(() => {
    const snapshot = authClient.getSnapshot()
    if (hadToken && !snapshot.token)
      signOuts++
    hadToken = !!snapshot.token
    if (!snapshot.token || !crossedSignOut())
      state.value = snapshot
  })
  const token = computed(() => state.value.token)
  const fetchAccessToken: typeof authClient.fetchAccessToken = async (args) => {
    const fetch = { signOuts }
    fetches.add(fetch)
    try {
      const fetched = await authClient.fetchAccessToken(args)
      if (fetched === null || fetch.signOuts === signOuts)
        return fetched
      // Fetched across a sign-out: the rotated session is ended too (and its tokens erased).
      await authClient.signOut()
      return null
    }
    finally {
      fetches.delete(fetch)
    }
  }

  async function signIn<F extends ConvexAuthSignInFunction>(fn: F, args: FunctionArgs<F>): Promise<FunctionReturnType<F>> {
    let result: SignInEnvelope
    if (proxy) {
      // The current user's token goes along (a sign-in may link an account to them).
      const current = authClient.getAccessToken()
      if (current)
        proxy.setAuth(current)
      else
        proxy.clearAuth()
      result = await proxy.mutation(fn, args) as SignInEnvelope
    }
    else {
      result = await client.mutation!(fn, args) as SignInEnvelope
    }
    if (result.status === 'complete')
      await authClient.setSession(result.tokens)
    return result as FunctionReturnType<F>
  }

  const actions: UseConvexAuthActionsReturn = { signIn, setSession: authClient.setSession, signOut: authClient.signOut, token, authClient }
  sessions.set(client, actions)
  // Rendering on the server: the page render signs in from the request (the Nuxt module's cookie).
  if (!isBrowser && !options.client)
    return actions

  const provider: ConvexAuthProvider = {
    isLoading: () => state.value.isLoading,
    isAuthenticated: () => state.value.isAuthenticated,
    // The subject is the session: another session (another user) signs in at once.
    key: () => subjectOf(state.value.token),
    fetchAccessToken,
  }
  applyAuthProvider(client, context, provider)
  void authClient.init()
  // A session the server ended (signed out elsewhere, revoked) ends here too, at once.
  const isAuthenticated = api.isAuthenticated
  if (isAuthenticated && typeof client.onUpdate === 'function') {
    effectScope(true).run(() => {
      let stop: (() => void) | undefined
      watch(() => context.auth.isAuthenticated, (signedIn) => {
        stop?.()
        stop = undefined
        if (!signedIn)
          return
        const subscription = client.onUpdate!(isAuthenticated, {}, (live: boolean) => {
          if (live === false)
            void authClient.signOut()
        }, () => {})
        stop = () => typeof subscription === 'function' ? subscription() : subscription?.unsubscribe?.()
      }, { immediate: true })
    })
  }
  return actions
}
