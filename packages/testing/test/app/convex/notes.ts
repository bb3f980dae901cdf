import { v } from 'convex/values'
import { internalMutation, mutation, query } from './_generated/server'

export const list = query({
  args: {},
  handler: ctx => ctx.db.query('notes').collect(),
})

export const add = mutation({
  args: { body: v.string() },
  handler: async (ctx, { body }) => {
    const identity = await ctx.auth.getUserIdentity()
    return ctx.db.insert('notes', { body, author: identity?.subject })
  },
})

export const whoami = query({
  args: {},
  handler: async ctx => (await ctx.auth.getUserIdentity())?.subject ?? null,
})

export const clearAll = internalMutation({
  args: {},
  handler: async (ctx) => {
    for (const note of await ctx.db.query('notes').collect())
      await ctx.db.delete(note._id)
  },
})

/** An environment variable of the deployment, as a function reads it. */
export const env = query({
  args: { name: v.string() },
  // eslint-disable-next-line node/prefer-global/process -- as Convex functions read it
  handler: (_ctx, { name }) => process.env[name] ?? null,
})
