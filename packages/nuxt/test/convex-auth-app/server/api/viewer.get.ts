import { api } from '#convex/_generated/api'

// The Convex Auth user of the request (its session cookie, verified by the module), or null.
export default defineEventHandler(async event => ({ viewer: await useConvexServer(event).query(api.users.viewer, {}) }))
