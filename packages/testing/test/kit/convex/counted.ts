import { components } from './_generated/api'
import { query } from './_generated/server'

/** When the counter component's own cron ticked. */
export const ticks = query({ args: {}, handler: (ctx): Promise<number[]> => ctx.runQuery(components.counter.ticks.times, {}) })
