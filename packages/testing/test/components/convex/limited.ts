import { MINUTE, RateLimiter } from '@convex-dev/rate-limiter'
import { v } from 'convex/values'
import { components } from './_generated/api'
import { mutation } from './_generated/server'

const limiter = new RateLimiter(components.rateLimiter, {
  send: { kind: 'fixed window', rate: 2, period: MINUTE },
})

/** Allows two sends a minute per user, as a chat app's rate limit does. */
export const send = mutation({
  args: { user: v.string() },
  handler: async (ctx, { user }) => {
    const status = await limiter.limit(ctx, 'send', { key: user })
    return status.ok
  },
})
