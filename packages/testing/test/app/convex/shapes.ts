// Queries of every read shape (full scan, index range, get by id, first, count, two tables),
// for the test that re-runs only the subscriptions a write touched.
import { v } from 'convex/values'
import { query } from './_generated/server'

export const allNotes = query({
  args: {},
  handler: ctx => ctx.db.query('notes').collect(),
})

export const ticksOf = query({
  args: { job: v.string() },
  handler: (ctx, { job }) => ctx.db.query('ticks').withIndex('by_job', q => q.eq('job', job)).collect(),
})

export const note = query({
  args: { id: v.id('notes') },
  handler: (ctx, { id }) => ctx.db.get(id),
})

export const firstTick = query({
  args: {},
  handler: ctx => ctx.db.query('ticks').order('desc').first(),
})

export const summary = query({
  args: {},
  handler: async ctx => ({
    notes: (await ctx.db.query('notes').collect()).length,
    uploads: (await ctx.db.query('uploads').collect()).length,
  }),
})

export const constant = query({
  args: {},
  handler: async () => 42,
})
