import type { AuthTokenFetcher } from 'convex/browser'
import type { ComputedRef } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { computed } from 'vue'
import { resolveClient, usageError } from '../_internal'
import { applyAuth, createConvexContext, injectContext } from '../_internal/context'

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
  /** Why the last sign-in failed when the token fetcher threw (identity provider down), else `null`. */
  error: ComputedRef<Error | null>
  /**
   * Signs in: the client calls `fetchToken({ forceRefreshToken })` now and whenever the token
   * nears expiry. Return `null` from it when there is no user.
   */
  setAuth: (fetchToken: AuthTokenFetcher) => void
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
  return {
    isLoading: computed(() => context.auth.isLoading),
    isAuthenticated: computed(() => context.auth.isAuthenticated),
    error: computed(() => context.auth.error),
    setAuth(fetchToken) {
      if (typeof fetchToken !== 'function')
        throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && 'setAuth() takes a function ({ forceRefreshToken }) => Promise<string | null> that returns the user\'s JWT.')
      applyAuth(client, context, fetchToken)
    },
    clearAuth() {
      applyAuth(client, context, null)
    },
  }
}
