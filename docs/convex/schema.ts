import { defineSchema, defineTable } from 'convex/server'
import { v } from 'convex/values'

export default defineSchema({
  messages: defineTable({ author: v.string(), body: v.string() }),
  emails: defineTable({ to: v.string(), subject: v.string(), body: v.string() }),
  payments: defineTable({ amount: v.number(), paymentMethodId: v.string(), chargeId: v.string() }),
  counters: defineTable({ name: v.string(), value: v.number() }).index('by_name', ['name']),
  files: defineTable({ storageId: v.id('_storage'), name: v.string(), type: v.string() }),
})
