// Convex Auth 2's sign-in proxy, refresh and sign-out, mounted by the module at
// `${convex.auth.convexAuth.route}/:action` (default /api/auth/signin, /refresh, /signout).
import { defineEventHandler } from 'h3'
import { handleConvexAuthRoute } from './convexAuth'

export default defineEventHandler(handleConvexAuthRoute)
