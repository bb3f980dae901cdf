// Adapters from identity providers' Vue SDKs onto the provider contract of useConvexAuth. They
// take what the SDK's own composable returns, so vueuse-convex never imports an SDK: an app
// that does not use Clerk or Auth0 does not install them.
import type { MaybeRef, MaybeRefOrGetter } from 'vue'
import type { ConvexAuthProvider } from '../_internal/types'
import { toValue, unref } from 'vue'

/** What `useAuth()` of `@clerk/vue` returns, as far as Convex needs it. */
export interface ClerkAuthLike {
  isLoaded: MaybeRefOrGetter<boolean>
  isSignedIn: MaybeRefOrGetter<boolean | undefined>
  /** Clerk's `getToken`, or a ref of it (`@clerk/vue` returns a ref). */
  getToken: MaybeRef<(options?: { template?: string, skipCache?: boolean }) => Promise<string | null>>
}

/** Options of {@link convexClerk}. */
export interface ConvexClerkOptions {
  /**
   * The Clerk JWT template whose token Convex takes (the one named in `convex/auth.config.ts`).
   * @default 'convex'
   */
  template?: string
}

/**
 * Clerk (`@clerk/vue`) as a Convex auth provider: loading until Clerk is, signed in while it
 * has a user, with the token of Clerk's `convex` JWT template (fetched again, skipping Clerk's
 * cache, when Convex asks for a fresh one).
 *
 * @example
 * import { useAuth } from '@clerk/vue'
 * useConvexAuth().setAuth(convexClerk(useAuth()))
 */
export function convexClerk(clerk: ClerkAuthLike, options: ConvexClerkOptions = {}): ConvexAuthProvider {
  const { template = 'convex' } = options
  return {
    isLoading: () => !toValue(clerk.isLoaded),
    isAuthenticated: () => !!toValue(clerk.isSignedIn),
    fetchAccessToken: async ({ forceRefreshToken }) => {
      try {
        return await unref(clerk.getToken)({ template, skipCache: forceRefreshToken })
      }
      catch {
        return null // signed out meanwhile, or Clerk unreachable: no token
      }
    },
  }
}

/** What `useAuth0()` of `@auth0/auth0-vue` returns, as far as Convex needs it. */
export interface Auth0Like {
  isLoading: MaybeRefOrGetter<boolean>
  isAuthenticated: MaybeRefOrGetter<boolean>
  getAccessTokenSilently: (options: { detailedResponse: true, cacheMode?: 'on' | 'off' }) => Promise<{ id_token: string }>
}

/**
 * Auth0 (`@auth0/auth0-vue`) as a Convex auth provider: loading until Auth0 is, signed in
 * while it has a user, with the user's ID token (Convex verifies OpenID Connect ID tokens),
 * refreshed past Auth0's cache (`cacheMode: 'off'`) when Convex asks for a fresh one.
 *
 * @example
 * import { useAuth0 } from '@auth0/auth0-vue'
 * useConvexAuth().setAuth(convexAuth0(useAuth0()))
 */
export function convexAuth0(auth0: Auth0Like): ConvexAuthProvider {
  return {
    isLoading: () => toValue(auth0.isLoading),
    isAuthenticated: () => toValue(auth0.isAuthenticated),
    fetchAccessToken: async ({ forceRefreshToken }) => {
      try {
        const response = await auth0.getAccessTokenSilently({ detailedResponse: true, cacheMode: forceRefreshToken ? 'off' : 'on' })
        return response.id_token
      }
      catch {
        return null // login required, or Auth0 unreachable: no token
      }
    },
  }
}
