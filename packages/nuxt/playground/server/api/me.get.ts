import { api } from '#convex/_generated/api'

// Reads as the requesting user (their cookie), or signed out when there is none.
export default defineEventHandler(async (event) => {
  const convex = useConvexServer(event)
  return { authenticated: convex.authenticated, me: await convex.query(api.users.me, {}) }
})
