import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { action } from './_generated/server'

/** Sends an email (here: records it); an address without `@` is refused. */
export const send = action({
  args: { to: v.string(), subject: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'email.send', args })
    if (!args.to.includes('@'))
      throw new ConvexError(`"${args.to}" is not an email address`)
    return true
  },
})
