import { v } from 'convex/values'
import { internal } from './_generated/api'
import { internalAction, internalMutation, mutation, query } from './_generated/server'

/** Records `name`, then schedules itself again with `runAfter(0)` until `left` is 0 (as workpool's loop does). */
export const step = internalMutation({
  args: { name: v.string(), left: v.number() },
  handler: async (ctx, { name, left }) => {
    await ctx.db.insert('events', { name, at: Date.now() })
    if (left > 0)
      await ctx.scheduler.runAfter(0, internal.chain.step, { name, left: left - 1 })
  },
})

/** Starts a chain of `length` runs of {@link step}, each scheduled by the one before. */
export const start = mutation({
  args: { name: v.string(), length: v.number() },
  handler: async (ctx, { name, length }) => {
    await ctx.scheduler.runAfter(0, internal.chain.step, { name, left: length - 1 })
  },
})

/** When the events of `name` happened. */
export const times = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => (await ctx.db.query('events').withIndex('by_name', q => q.eq('name', name)).collect()).map(event => event.at),
})

/** Records `name` now, for a client. */
export const add = mutation({
  args: { name: v.string() },
  handler: (ctx, { name }) => ctx.db.insert('events', { name, at: Date.now() }),
})

/** Records `name` now. */
export const record = internalMutation({
  args: { name: v.string() },
  handler: (ctx, { name }) => ctx.db.insert('events', { name, at: Date.now() }),
})

/** Removes every event (what a cleanup cron does). */
export const clear = internalMutation({
  args: {},
  handler: async (ctx) => {
    for (const event of await ctx.db.query('events').collect())
      await ctx.db.delete(event._id)
  },
})

/** The scheduled functions and their states. */
export const scheduled = query({
  args: {},
  handler: async ctx => (await ctx.db.system.query('_scheduled_functions').collect()).map(job => ({ name: job.name, state: job.state.kind })),
})

/** An action that waits on a timer of its own (as a retry with backoff inside an action does). */
export const waitOnItsOwnTimer = internalAction({
  args: { ms: v.number() },
  handler: async (_ctx, { ms }) => {
    await new Promise(resolve => setTimeout(resolve, ms))
  },
})

/** Schedules {@link waitOnItsOwnTimer}. */
export const startWaiting = mutation({
  args: { ms: v.number() },
  handler: async (ctx, { ms }) => {
    await ctx.scheduler.runAfter(0, internal.chain.waitOnItsOwnTimer, { ms })
  },
})
