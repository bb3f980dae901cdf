import { query } from './_generated/server'

// Read once, as the module loads (as an SDK's client set up at the top of a module reads its key).
// eslint-disable-next-line node/prefer-global/process -- as Convex functions read it
const key = process.env.LOAD_TIME_KEY ?? null

/** The LOAD_TIME_KEY the module saw as it loaded. */
export const loadTimeKey = query({ args: {}, handler: async () => key })
