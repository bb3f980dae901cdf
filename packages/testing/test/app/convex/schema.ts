import { defineSchema, defineTable } from 'convex/server'
import { v } from 'convex/values'

export default defineSchema({
  notes: defineTable({ body: v.string(), author: v.optional(v.string()) }),
  uploads: defineTable({ storageId: v.id('_storage'), name: v.string() }),
  ticks: defineTable({ job: v.string(), at: v.number() }).index('by_job', ['job']),
})
