import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { action, internalMutation, query } from './_generated/server'

/** Sends an email (here: records it in the outbox) and returns whether it was accepted. */
export const send = action({
  args: { to: v.string(), subject: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    if (!/^[^\s@]+@[^\s@][^\s.@]*\.[^\s@]+$/.test(args.to))
      throw new ConvexError({ code: 'invalid_address', message: `"${args.to}" is not an email address.` })
    await ctx.runMutation(internal.email.record, args)
    return true
  },
})

export const record = internalMutation({
  args: { to: v.string(), subject: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    await ctx.db.insert('emails', args)
  },
})

/** The emails sent so far, newest first. */
export const outbox = query({
  args: {},
  handler: async ctx => ctx.db.query('emails').order('desc').take(10),
})
