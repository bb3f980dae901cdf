// Which pages need a signed-in user, and where a signed-out one goes instead.
import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import type { ConvexRuntimeConfig } from '../module'

/** The name pages give in `definePageMeta({ middleware })` to require a signed-in user. */
export const AUTH_MIDDLEWARE = 'convex-auth'

/** Whether `route` requires a signed-in user. */
export function requiresSignIn(route: RouteLocationNormalized): boolean {
  const middleware: unknown = route.meta.middleware
  return Array.isArray(middleware) ? middleware.includes(AUTH_MIDDLEWARE) : middleware === AUTH_MIDDLEWARE
}

/**
 * Where a signed-out user who asked for `route` goes: the module's `auth.redirectTo`, with the
 * page asked for in `?redirect=` to come back to after signing in. `null` when `route` is that
 * page already.
 */
export function signInRoute(nuxtApp: { $config: { public: object } }, route: RouteLocationNormalized): RouteLocationRaw | null {
  const config = (nuxtApp.$config.public as { convex?: ConvexRuntimeConfig }).convex
  const path = config?.auth?.redirectTo || '/'
  if (route.path === path)
    return null
  return { path, query: { redirect: route.fullPath } }
}
