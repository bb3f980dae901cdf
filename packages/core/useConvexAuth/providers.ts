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
  /** The user, and the organization and role, whose change signs the new token in at once. */
  userId?: MaybeRefOrGetter<string | null | undefined>
  orgId?: MaybeRefOrGetter<string | null | undefined>
  orgRole?: MaybeRefOrGetter<string | null | undefined>
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
    // Another user, organization or role is another token (as convex/react-clerk refetches).
    key: () => `${toValue(clerk.userId)}|${toValue(clerk.orgId)}|${toValue(clerk.orgRole)}`,
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
  /** The signed-in user, whose change signs the new token in at once. */
  user?: MaybeRefOrGetter<{ sub?: string } | undefined>
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
    key: () => toValue(auth0.user)?.sub,
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

/** A Better Auth session, as `useSession()` of `better-auth/vue` holds it. */
export interface BetterAuthSessionLike {
  data: { session?: { id: string } | null } | null | undefined
  isPending: boolean
}

/**
 * What `createAuthClient({ plugins: [convexClient()] })` of `better-auth/vue` (with
 * `@convex-dev/better-auth/client/plugins`) returns, as far as Convex needs it.
 */
export interface BetterAuthClientLike {
  useSession: () => MaybeRefOrGetter<BetterAuthSessionLike>
  convex: { token: (options?: { fetchOptions?: { throw?: boolean } }) => Promise<{ data?: { token?: string | null } | null } | null | undefined> }
}

/** Options of {@link convexBetterAuth}. */
export interface ConvexBetterAuthOptions {
  /**
   * A token for the first render, fetched on the server (`getToken()` of your server's
   * Better Auth setup), so a server-rendered page is signed in without waiting for the session.
   * @default null
   */
  initialToken?: string | null
}

/**
 * Better Auth (`better-auth` with `@convex-dev/better-auth`) as a Convex auth provider, as its
 * React `ConvexBetterAuthProvider` does it: loading while the session is, signed in while
 * there is one, with the Convex JWT of the Convex plugin (`authClient.convex.token()`), one
 * request at a time. Call it in a component's setup (it calls `authClient.useSession()`).
 *
 * @example
 * import { authClient } from './auth-client' // createAuthClient({ plugins: [convexClient()] })
 * useConvexAuth().setAuth(convexBetterAuth(authClient))
 */
export function convexBetterAuth(authClient: BetterAuthClientLike, options: ConvexBetterAuthOptions = {}): ConvexAuthProvider {
  const session = authClient.useSession()
  let cached: string | null = options.initialToken ?? null
  let pending: Promise<string | null> | null = null
  const read = () => toValue(session)
  return {
    isLoading: () => read().isPending && cached === null,
    isAuthenticated: () => {
      const { data, isPending } = read()
      // The session ended: the cached token is no one's any more.
      if (!data?.session && !isPending)
        cached = null
      return !!data?.session || cached !== null
    },
    key: () => read().data?.session?.id,
    fetchAccessToken: ({ forceRefreshToken }) => {
      if (cached !== null && !forceRefreshToken)
        return Promise.resolve(cached)
      if (pending && !forceRefreshToken)
        return pending
      const request: Promise<string | null> = authClient.convex.token({ fetchOptions: { throw: false } })
        .then(result => result?.data?.token || null, () => null)
        .then((token) => {
          cached = token
          return token
        })
        .finally(() => {
          if (pending === request)
            pending = null
        })
      pending = request
      return request
    },
  }
}
