// Server middleware the module adds with `auth.cookie` and `auth.verify`: before a page renders
// or a server route runs, the cookie's token is checked against the identity provider's keys,
// so the render, the `convex-auth` route middleware and useConvexServer(event) see only a token
// the provider signed (a forged cookie is a signed-out request).
import type { ConvexRuntimeConfig } from '../../module'
import { useRuntimeConfig } from '#imports'
import { defineEventHandler, getCookie } from 'h3'
import { tokenIfValid } from '../token'
import { verifyIssuedToken } from './verify'

export default defineEventHandler(async (event) => {
  if (event.path.startsWith('/_nuxt/') || event.path.startsWith('/__nuxt'))
    return
  const auth = (useRuntimeConfig(event).public as { convex?: ConvexRuntimeConfig }).convex?.auth
  if (!auth?.cookie || !auth.verify)
    return
  const context = event.context as { convexCookie?: { token: string | null } }
  context.convexCookie = { token: await verifyIssuedToken(tokenIfValid(getCookie(event, auth.cookie)), auth.verify) }
})
