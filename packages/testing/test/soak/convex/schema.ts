import { defineSchema, defineTable } from 'convex/server'
import { v } from 'convex/values'

// A table per client (c0 … c49): a client's writes re-run its own live query only, so the soak
// measures the server, not 50 × 5,000 query runs.
export default defineSchema(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, defineTable({ n: v.number() })])))
