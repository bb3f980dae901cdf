import { v } from 'convex/values'
import { internal } from './_generated/api'
import { internalAction, internalMutation, mutation, query } from './_generated/server'

export const record = internalMutation({
  args: { job: v.string() },
  handler: (ctx, { job }) => ctx.db.insert('ticks', { job, at: Date.now() }),
})

export const count = query({
  args: { job: v.string() },
  handler: async (ctx, { job }) => (await ctx.db.query('ticks').withIndex('by_job', q => q.eq('job', job)).collect()).length,
})

/** When the ticks of `job` were recorded. */
export const times = query({
  args: { job: v.string() },
  handler: async (ctx, { job }) => (await ctx.db.query('ticks').withIndex('by_job', q => q.eq('job', job)).collect()).map(tick => tick.at),
})

/** Records a tick of `job` in `delayMs`, through the scheduler. */
export const later = mutation({
  args: { job: v.string(), delayMs: v.number() },
  handler: async (ctx, { job, delayMs }): Promise<void> => {
    await ctx.scheduler.runAfter(delayMs, internal.ticks.record, { job })
  },
})

/** Records a tick of `job` from an action that takes its time (a scheduled job in flight). */
export const slowly = internalAction({
  args: { job: v.string() },
  handler: async (ctx, { job }): Promise<void> => {
    await new Promise(resolve => setTimeout(resolve, 50))
    await ctx.runMutation(internal.ticks.record, { job })
  },
})

/** Starts {@link slowly} at once, through the scheduler. */
export const laterSlowly = mutation({
  args: { job: v.string() },
  handler: async (ctx, { job }): Promise<void> => {
    await ctx.scheduler.runAfter(0, internal.ticks.slowly, { job })
  },
})

/** The scheduled functions and their states, as a dashboard shows them. */
export const scheduled = query({
  args: {},
  handler: async ctx => (await ctx.db.system.query('_scheduled_functions').collect()).map(job => ({ name: job.name, state: job.state.kind })),
})
