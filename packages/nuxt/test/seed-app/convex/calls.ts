import { v } from 'convex/values'
import { internalMutation, query } from './_generated/server'

/** Records one call of an action (its name and arguments). */
export const record = internalMutation({
  args: { name: v.string(), args: v.any() },
  handler: async (ctx, call) => {
    await ctx.db.insert('calls', call)
  },
})

/** The calls so far, oldest first. */
export const list = query({
  args: {},
  handler: async ctx => (await ctx.db.query('calls').collect()).map(({ name, args }) => ({ name, args })),
})
