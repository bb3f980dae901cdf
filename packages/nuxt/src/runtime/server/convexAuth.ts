// Convex Auth 2 on the Nuxt server: its own handlers (`setupConvexAuthServer` of
// `@convex-dev/auth/ssr`, through core's `convexAuthHandler`) as the module's routes, and the
// session of a request — the access token of its httpOnly cookie, refreshed when it is about to
// expire and verified (signature, issuer, audience, expiry) against the deployment's JWKS before
// anything renders.
import type { CookieStore } from '@convex-dev/auth/ssr'
import type { H3Event } from 'h3'
import type { ConvexAuthModuleOptions, ConvexRuntimeConfig } from '../../module'
import { useRuntimeConfig } from '#imports'
import { AUTH_JWT_COOKIE, AUTH_REFRESH_COOKIE, ServerAuthSession } from '@convex-dev/auth/ssr'
import { convexAuthHandler } from '@vueuse-convex/core/convex-auth-server'
import { ConvexHttpClient } from 'convex/browser'
import { makeFunctionReference } from 'convex/server'
import { createError, deleteCookie, getCookie, getRequestProtocol, sendWebResponse, setCookie, toWebRequest } from 'h3'
import { verifyConvexAuthToken } from './verify'

/** The module's Convex Auth settings, with its defaults. */
export function convexAuthSettings(event: H3Event): { url: string, options: Required<ConvexAuthModuleOptions> } | null {
  const config = (useRuntimeConfig(event).public as { convex?: ConvexRuntimeConfig }).convex
  const options = config?.auth?.convexAuth
  if (!options || !config?.url)
    return null
  return { url: config.url.replace(/\/+$/, ''), options: { module: 'auth', route: '/api/auth', ...options } }
}

/** Secure cookies over HTTPS (behind a proxy too: `X-Forwarded-Proto`), not on `http://localhost`. */
function isSecure(event: H3Event): boolean {
  return getRequestProtocol(event, { xForwardedProto: true }) === 'https'
}

const handlers = new Map<string, ReturnType<typeof convexAuthHandler>>()

/**
 * The routes the module mounts at `convex.auth.convexAuth.route` (default `/api/auth`):
 * `/signin` (the sign-in proxy: the refresh token goes into an httpOnly cookie, the access
 * token to the page), `/refresh` and `/signout`, each refusing another site's requests. They are
 * `convexAuthHandler`'s (what a Vite app mounts): the request's URL is `https:` over HTTPS and
 * behind a proxy that says so (`X-Forwarded-Proto`, which h3 reads), and the cookies are
 * `Secure` then.
 */
export async function handleConvexAuthRoute(event: H3Event): Promise<void> {
  const settings = convexAuthSettings(event)
  if (!settings)
    throw createError({ statusCode: 404, statusMessage: 'Not Found' })
  const { url, options } = settings
  // The request's URL keeps the app's base URL (`app.baseURL`): so does the route matched.
  const base = (useRuntimeConfig(event) as { app?: { baseURL?: string } }).app?.baseURL ?? '/'
  const route = `${base.replace(/\/+$/, '')}${options.route}`
  const key = JSON.stringify([url, options, route])
  let handle = handlers.get(key)
  if (!handle)
    handlers.set(key, handle = convexAuthHandler({ url, signIn: options.signIn, module: options.module, route }))
  const response = await handle(toWebRequest(event))
  if (!response)
    throw createError({ statusCode: 404, statusMessage: 'Not Found' })
  return sendWebResponse(event, response)
}

/** The request's cookies as Convex Auth's `CookieStore`: what it writes goes on the response. */
function cookiesOf(event: H3Event): CookieStore {
  const written = new Map<string, string | undefined>()
  return {
    get: name => written.has(name) ? written.get(name) : getCookie(event, name),
    set: (name, value, options) => {
      written.set(name, value)
      setCookie(event, name, value, options)
    },
    delete: (name, options) => {
      written.set(name, undefined)
      deleteCookie(event, name, options)
    },
  }
}

/**
 * The signed-in user's Convex Auth access token for this request, `null` for none: read from
 * its cookie, refreshed through the refresh cookie when it is about to expire (the new cookies
 * go on this response), and verified against the deployment's JWKS. Kept on the event, so a
 * request refreshes at most once.
 */
export function convexAuthToken(event: H3Event): Promise<string | null> {
  const context = event.context as { convexAuthToken?: Promise<string | null> }
  context.convexAuthToken ??= (async () => {
    const settings = convexAuthSettings(event)
    if (!settings || (!getCookie(event, AUTH_JWT_COOKIE) && !getCookie(event, AUTH_REFRESH_COOKIE)))
      return null
    const { url, options } = settings
    const http = new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true, logger: false })
    const refreshSession = makeFunctionReference<'mutation', { refreshToken: string }, any>(`${options.module}:refreshSession`)
    const session = new ServerAuthSession({
      refreshSession: refreshToken => http.mutation(refreshSession, { refreshToken }),
      cookies: cookiesOf(event),
      cookieOptions: { secure: isSecure(event) },
    })
    try {
      return await verifyConvexAuthToken(url, await session.getToken())
    }
    catch {
      return null // the deployment could not be reached: signed out for this request
    }
  })()
  return context.convexAuthToken
}
