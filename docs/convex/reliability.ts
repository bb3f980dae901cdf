// Functions for the reliability tests: controllable latency and failure.
import { paginationOptsValidator } from 'convex/server'
import { ConvexError, v } from 'convex/values'
import { action, mutation, query } from './_generated/server'

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

/**
 * The messages, newest first, a page at a time, failing as a deployment does when the query
 * under a cursor changed: with the counter "invalidCursor" at 1 every page but the first fails
 * with InvalidCursor, at 2 every page does.
 */
export const pageOrInvalidCursor = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    const row = await ctx.db.query('counters').withIndex('by_name', q => q.eq('name', 'invalidCursor')).unique()
    const mode = row?.value ?? 0
    if (mode >= 2 || (mode === 1 && paginationOpts.cursor !== null))
      throw new Error('InvalidCursor: Tried to run a query starting from a cursor, but it looks like this cursor is from a different query.')
    return await ctx.db.query('messages').order('desc').paginate(paginationOpts)
  },
})

/** Returns its argument: a query for checking which arguments reach the server. */
export const echoQuery = query({
  args: { value: v.any() },
  handler: async (_ctx, { value }) => value,
})

/**
 * The counter `name`, failing with ConvexError({ code: 'unavailable' }) while it is above 0: a
 * query that fails, then recovers live when the counter comes down.
 */
export const failWhile = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    const row = await ctx.db.query('counters').withIndex('by_name', q => q.eq('name', name)).unique()
    if ((row?.value ?? 0) > 0)
      throw new ConvexError({ code: 'unavailable', value: row!.value })
    return row?.value ?? 0
  },
})
