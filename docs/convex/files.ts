import { v } from 'convex/values'
import { action } from './_generated/server'

/** "Processes" an uploaded image: reports its size in bytes and its type. */
export const processImage = action({
  args: { storageId: v.id('_storage') },
  handler: async (ctx, { storageId }) => {
    const blob = await ctx.storage.get(storageId)
    if (!blob)
      throw new Error(`No file stored under ${storageId}`)
    return { storageId, bytes: blob.size, type: blob.type || 'application/octet-stream' }
  },
})
