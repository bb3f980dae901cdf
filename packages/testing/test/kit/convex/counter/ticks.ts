import { internalMutation, query } from './_generated/server'

/** Records a tick now. */
export const record = internalMutation({ args: {}, handler: ctx => ctx.db.insert('ticks', { at: Date.now() }) })

/** When the ticks were recorded. */
export const times = query({ args: {}, handler: async ctx => (await ctx.db.query('ticks').collect()).map(tick => tick.at) })
