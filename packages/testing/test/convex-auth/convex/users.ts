import { getAuthUserId } from '@convex-dev/auth/server'
import { v } from 'convex/values'
import { components } from './_generated/api'
import { internalMutation, query } from './_generated/server'

/** Convex Auth's user callback: the app's user record for a new account. */
export const createUser = internalMutation({
  args: { method: v.object({ name: v.literal('usernamePassword'), profile: v.object({}) }) },
  returns: v.id('users'),
  handler: async (ctx, { method }) => await ctx.db.insert('users', { createdBy: method.name }),
})

/** The signed-in user's username, or null. */
export const viewer = query({
  args: {},
  handler: async (ctx): Promise<string | null> => {
    const userId = await getAuthUserId(ctx)
    return userId === null ? null : await ctx.runQuery(components.authUsername.public.getUsername, { userId })
  },
})
