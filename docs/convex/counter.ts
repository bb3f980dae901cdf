import { v } from 'convex/values'
import { mutation, query } from './_generated/server'

/** The value of a named counter (0 when it does not exist yet). */
export const get = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    const row = await ctx.db.query('counters').withIndex('by_name', q => q.eq('name', name)).unique()
    return row?.value ?? 0
  },
})

/** Adds `by` to a named counter and returns the new value. */
export const increment = mutation({
  args: { name: v.string(), by: v.optional(v.number()) },
  handler: async (ctx, { name, by = 1 }) => {
    const row = await ctx.db.query('counters').withIndex('by_name', q => q.eq('name', name)).unique()
    if (!row) {
      await ctx.db.insert('counters', { name, value: by })
      return by
    }
    await ctx.db.patch(row._id, { value: row.value + by })
    return row.value + by
  },
})
