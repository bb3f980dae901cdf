import { v } from 'convex/values'
import { components } from './_generated/api'
import { mutation } from './_generated/server'

/** Stores `password` for `user` (hashed by the component, with argon2id in WebAssembly). */
export const set = mutation({
  args: { user: v.string(), password: v.string() },
  handler: (ctx, { user, password }) =>
    ctx.runMutation(components.authPassword.public._internal_dangerous_setPassword, { userId: user, password, minimumLength: 8 }),
})

/** Checks `password` for `user`, rate-limited by the component's own rate limiter. */
export const verify = mutation({
  args: { user: v.string(), password: v.string() },
  handler: (ctx, { user, password }) =>
    ctx.runMutation(components.authPassword.public.verifyPassword, { userId: user, password }),
})
