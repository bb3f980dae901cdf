import { v } from 'convex/values'
import { internalMutation, query } from './_generated/server'

export const record = internalMutation({
  args: { job: v.string() },
  handler: (ctx, { job }) => ctx.db.insert('ticks', { job, at: Date.now() }),
})

export const count = query({
  args: { job: v.string() },
  handler: async (ctx, { job }) => (await ctx.db.query('ticks').withIndex('by_job', q => q.eq('job', job)).collect()).length,
})
