// Server middleware the module adds with Convex Auth 2: before a page renders or a server route
// runs, the request's session is read from its cookies, refreshed if about to expire and
// verified, so the render, the `convex-auth` route middleware and useConvexServer(event) see
// only a token the deployment signed.
import { defineEventHandler } from 'h3'
import { convexAuthSettings, convexAuthToken } from './convexAuth'

/** Nuxt's own assets, and the auth routes (which rotate the cookies themselves), are left alone. */
function skips(path: string, route: string): boolean {
  return path.startsWith('/_nuxt/') || path.startsWith('/__nuxt') || path.startsWith(`${route}/`)
}

export default defineEventHandler(async (event) => {
  const settings = convexAuthSettings(event)
  if (!settings || skips(event.path, settings.options.route))
    return
  const context = event.context as { convexAuth?: { token: string | null } }
  context.convexAuth = { token: await convexAuthToken(event) }
})
