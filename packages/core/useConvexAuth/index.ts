import type { ComputedRef, DefineSetupFnComponent, SlotsType } from 'vue'
import type { AuthTokenFetcher, ConvexAuthProvider } from '../_internal/context'
import type { ConvexClientLike } from '../useConvexClient'
import { computed, defineComponent, getCurrentInstance, onServerPrefetch } from 'vue'
import { isBrowser, resolveClient, usageError } from '../_internal'
import { applyAuth, applyAuthProvider, createConvexContext, injectContext } from '../_internal/context'

export type { ConvexAuthProvider }
export { convexAuth0, convexBetterAuth, convexClerk } from './providers'
export type { Auth0Like, BetterAuthClientLike, BetterAuthSessionLike, ClerkAuthLike, ConvexBetterAuthOptions, ConvexClerkOptions } from './providers'

/** Options of {@link useConvexAuth}. */
export interface UseConvexAuthOptions {
  /**
   * The client whose auth to drive, instead of the provided one. Its state is then local to
   * this call rather than shared through the plugin.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
}

/** What {@link useConvexAuth} returns. */
export interface UseConvexAuthReturn {
  /** `true` from `setAuth` until the server accepted or refused the token. */
  isLoading: ComputedRef<boolean>
  /** `true` once the server accepted the token; `false` when signed out or refused. */
  isAuthenticated: ComputedRef<boolean>
  /**
   * `true` while a signed-in client fetches a fresh token because the server refused the one
   * it had confirmed (it expired, say); calls wait meanwhile, and `isAuthenticated` stays
   * `true`. Routine refreshes before expiry do not set it (as in `convex/react`).
   */
  isRefreshing: ComputedRef<boolean>
  /** Why the last sign-in failed: the token fetcher threw (identity provider down), or the server refused the token (its reason, never the token); else `null`. */
  error: ComputedRef<Error | null>
  /**
   * Signs in: the client calls `fetchToken({ forceRefreshToken })` now and whenever the token
   * nears expiry. Return `null` from it when there is no user. Or pass your auth provider's
   * reactive state `{ isLoading, isAuthenticated, fetchAccessToken }`, followed as it changes.
   */
  setAuth: (auth: AuthTokenFetcher | ConvexAuthProvider) => void
  /** Signs out: queries re-run without an identity. */
  clearAuth: () => void
}

/**
 * The signed-in state of the Convex client, shared by every component: `isLoading` and
 * `isAuthenticated`, with `setAuth` / `clearAuth` to change it. Pass the token fetcher of
 * your auth provider (Clerk, Auth0, WorkOS...) once, here or as the plugin's `auth` option.
 *
 * @example
 * const { isLoading, isAuthenticated, setAuth } = useConvexAuth()
 * setAuth(({ forceRefreshToken }) => auth0.getTokenSilently({ cacheMode: forceRefreshToken ? 'off' : 'on' }))
 */
export function useConvexAuth(options: UseConvexAuthOptions = {}): UseConvexAuthReturn {
  const NAME = 'useConvexAuth'
  const client = resolveClient(NAME, options.client)
  const context = (!options.client && injectContext()) || createConvexContext()
  // Server-side rendering: a component renders once the user's token is set (or refused).
  if (!isBrowser && getCurrentInstance())
    onServerPrefetch(() => context.authReady)
  return {
    isLoading: computed(() => context.auth.isLoading),
    isAuthenticated: computed(() => context.auth.isAuthenticated),
    isRefreshing: computed(() => context.auth.isRefreshing && context.auth.isAuthenticated),
    error: computed(() => context.auth.error),
    setAuth(auth) {
      if (typeof auth === 'function')
        return applyAuth(client, context, auth)
      if (!auth || typeof auth !== 'object' || typeof auth.fetchAccessToken !== 'function')
        throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && 'setAuth() takes a function ({ forceRefreshToken }) => Promise<string | null> that returns the user\'s JWT, or a provider { isLoading, isAuthenticated, fetchAccessToken }.')
      applyAuthProvider(client, context, auth)
    },
    clearAuth() {
      applyAuth(client, context, null)
    },
  }
}

/** The slot of the auth gates: the default slot only, with no props. */
type GateSlots = SlotsType<{ default?: () => any }>

/**
 * A gate's type, written out: what `defineComponent` infers names every type parameter of the
 * `vue` that built the package, which older `vue` 3.5 releases reject in the published types.
 */
type Gate = DefineSetupFnComponent<Record<never, never>, Record<never, never>, GateSlots>

function gate(name: string, show: (auth: UseConvexAuthReturn) => boolean): Gate {
  return defineComponent((_, { slots }) => {
    const auth = useConvexAuth()
    return () => (show(auth) ? slots.default?.() : null)
  }, { name, slots: Object as GateSlots })
}

/** Renders its slot only once the Convex server accepted the user's token (`convex/react`'s `<Authenticated>`). */
export const Authenticated = /* #__PURE__ */ gate('Authenticated', a => !a.isLoading.value && a.isAuthenticated.value)

/** Renders its slot only when signed out, once nothing is loading (`convex/react`'s `<Unauthenticated>`). */
export const Unauthenticated = /* #__PURE__ */ gate('Unauthenticated', a => !a.isLoading.value && !a.isAuthenticated.value)

/** Renders its slot while signing in is undecided (`convex/react`'s `<AuthLoading>`). */
export const AuthLoading = /* #__PURE__ */ gate('AuthLoading', a => a.isLoading.value)

/**
 * Renders its slot while a signed-in client fetches a fresh token after the server refused
 * its confirmed one (`convex/react`'s `<AuthRefreshing>`); `<Authenticated>` keeps its content meanwhile.
 */
export const AuthRefreshing = /* #__PURE__ */ gate('AuthRefreshing', a => a.isRefreshing.value)
