import { v } from 'convex/values'
import { mutation, query } from './_generated/server'

/**
 * Adds one to the client's counter (in its own table), and returns a receipt of about 4 KB, as
 * a mutation that returns a document does: what the server keeps for replays is not nothing.
 */
export const bump = mutation({
  args: { table: v.string() },
  handler: async (ctx, { table }) => {
    const counter = await ctx.db.query(table as 'c0').first()
    const n = (counter?.n ?? 0) + 1
    if (counter)
      await ctx.db.patch(counter._id, { n })
    else
      await ctx.db.insert(table as 'c0', { n })
    return `${table}:${n}:${'.'.repeat(4096)}`
  },
})

/** The client's counter. */
export const count = query({
  args: { table: v.string() },
  handler: async (ctx, { table }) => (await ctx.db.query(table as 'c0').first())?.n ?? 0,
})
