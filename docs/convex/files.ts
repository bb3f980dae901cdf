import { v } from 'convex/values'
import { action, mutation, query } from './_generated/server'

/** A URL to POST one file to (useConvexUpload calls it first). */
export const generateUploadUrl = mutation({
  args: {},
  handler: ctx => ctx.storage.generateUploadUrl(),
})

/** Records an uploaded file under a name, with its type. */
export const save = mutation({
  args: { storageId: v.id('_storage'), name: v.string(), type: v.string() },
  handler: (ctx, { storageId, name, type }) => ctx.db.insert('files', { storageId, name, type }),
})

/** The recorded files, newest first, each with a URL to read it from. */
export const list = query({
  args: {},
  handler: async (ctx) => {
    const files = await ctx.db.query('files').order('desc').take(10)
    return Promise.all(files.map(async file => ({ ...file, url: await ctx.storage.getUrl(file.storageId) })))
  },
})

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
