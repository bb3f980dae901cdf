import { paginationOptsValidator } from 'convex/server'
import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { internalMutation, mutation, query } from './_generated/server'

/** The latest messages, oldest first. */
export const list = query({
  args: { limit: v.optional(v.number()) },
  handler: async (ctx, { limit = 50 }) => (await ctx.db.query('messages').order('desc').take(limit)).reverse(),
})

/** The messages, newest first, a page at a time. */
export const page = query({
  args: { paginationOpts: paginationOptsValidator, author: v.optional(v.string()) },
  handler: async (ctx, { paginationOpts, author }) => {
    const all = ctx.db.query('messages').order('desc')
    return await (author ? all.filter(q => q.eq(q.field('author'), author)) : all).paginate(paginationOpts)
  },
})

/** Posts a message; returns its id. */
export const send = mutation({
  args: { author: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    if (!args.body.trim())
      throw new Error('A message needs a body')
    return await ctx.db.insert('messages', args)
  },
})

/** Posts a message as the signed-in user (their name is the author); refuses a signed-out caller. */
export const sendAsMe = mutation({
  args: { body: v.string() },
  handler: async (ctx, { body }) => {
    const identity = await ctx.auth.getUserIdentity()
    if (!identity)
      throw new ConvexError({ code: 'unauthenticated', status: 401, message: 'Sign in to post.' })
    return await ctx.db.insert('messages', { author: identity.name ?? identity.subject, body })
  },
})

/** Posts a message after `delayMs`, through the scheduler. */
export const sendLater = mutation({
  args: { author: v.string(), body: v.string(), delayMs: v.number() },
  handler: async (ctx, { delayMs, ...message }) => {
    await ctx.scheduler.runAfter(delayMs, internal.messages.post, message)
  },
})

export const post = internalMutation({
  args: { author: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    await ctx.db.insert('messages', args)
  },
})

/** Adds numbered messages until there are at least `count` (for demos). */
export const seed = mutation({
  args: { count: v.number() },
  handler: async (ctx, { count }) => {
    const existing = (await ctx.db.query('messages').take(count)).length
    for (let i = existing + 1; i <= count; i++)
      await ctx.db.insert('messages', { author: 'seed', body: `message ${i}` })
  },
})

/** Deletes every message. */
export const clear = mutation({
  args: {},
  handler: async (ctx) => {
    for (const message of await ctx.db.query('messages').collect())
      await ctx.db.delete(message._id)
  },
})
