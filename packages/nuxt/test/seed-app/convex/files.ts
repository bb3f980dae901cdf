import { v } from 'convex/values'
import { internal } from './_generated/api'
import { action, mutation } from './_generated/server'

/** A URL to upload a file to. */
export const generateUploadUrl = mutation({
  args: {},
  handler: ctx => ctx.storage.generateUploadUrl(),
})

/** "Processes" an uploaded image: its size and type. */
export const processImage = action({
  args: { storageId: v.id('_storage') },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'files.processImage', args })
    const blob = await ctx.storage.get(args.storageId)
    if (!blob)
      throw new Error(`No file stored under ${args.storageId}`)
    return { bytes: blob.size, type: blob.type }
  },
})
