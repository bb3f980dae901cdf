import { ConvexError } from 'convex/values'
import { action, query } from './_generated/server'

/** Who is calling: the identity's subject and name, or null when signed out. */
export const me = query({
  args: {},
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity()
    return identity ? { subject: identity.subject, name: identity.name ?? null } : null
  },
})

/** An action only signed-in users may run. */
export const secret = action({
  args: {},
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity()
    if (!identity)
      throw new ConvexError({ code: 'unauthenticated', message: 'Sign in to see the secret.' })
    return `The secret for ${identity.subject} is 42.`
  },
})
