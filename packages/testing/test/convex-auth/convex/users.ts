import { getAuthUserId } from '@convex-dev/auth/server'
import { query } from './_generated/server'

/** The signed-in user's email, or null. */
export const viewer = query({
  args: {},
  handler: async (ctx): Promise<string | null> => {
    const userId = await getAuthUserId(ctx)
    const user = userId === null ? null : await ctx.db.get(userId)
    return user?.email ?? null
  },
})
