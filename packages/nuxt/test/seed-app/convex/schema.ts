import { defineSchema, defineTable } from 'convex/server'
import { v } from 'convex/values'

export default defineSchema({
  // Every action the seed's examples call, with its arguments: the test reads them back.
  calls: defineTable({ name: v.string(), args: v.any() }),
})
