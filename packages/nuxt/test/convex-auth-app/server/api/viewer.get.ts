import { api } from '#convex/_generated/api'

// The Convex Auth user of the request (the cookie useConvexAuthActions writes), or null.
export default defineEventHandler(async event => ({ viewer: await useConvexServer(event).query(api.users.viewer, {}) }))
