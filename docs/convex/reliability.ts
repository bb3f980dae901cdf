// Functions for the reliability tests: controllable latency and failure.
import { ConvexError, v } from 'convex/values'
import { action, mutation } from './_generated/server'

/** Returns `value` after `delayMs`, or fails with ConvexError({ value }) when `fail`. */
export const echo = action({
  args: { value: v.number(), delayMs: v.number(), fail: v.boolean() },
  handler: async (_ctx, { value, delayMs, fail }) => {
    if (delayMs > 0)
      await new Promise(resolve => setTimeout(resolve, delayMs))
    if (fail)
      throw new ConvexError({ value })
    return value
  },
})

/** Returns `value`, or fails with ConvexError({ value }) when `fail`. */
export const echoMutation = mutation({
  args: { value: v.number(), fail: v.boolean() },
  handler: async (_ctx, { value, fail }) => {
    if (fail)
      throw new ConvexError({ value })
    return value
  },
})

/** Returns its argument untouched: for checking that values survive the round trip. */
export const roundTrip = action({
  args: { value: v.any() },
  handler: async (_ctx, { value }) => value,
})

/** Fails with a ConvexError whose data is `data`, untouched. */
export const failWith = action({
  args: { data: v.any() },
  handler: async (_ctx, { data }) => {
    throw new ConvexError(data)
  },
})
