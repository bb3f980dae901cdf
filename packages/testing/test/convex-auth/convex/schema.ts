import { defineSchema, defineTable } from 'convex/server'
import { v } from 'convex/values'

// The app owns its users; Convex Auth keeps sessions, usernames and passwords in its components.
export default defineSchema({
  users: defineTable({ createdBy: v.string() }),
})
