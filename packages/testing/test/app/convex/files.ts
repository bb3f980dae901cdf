import { v } from 'convex/values'
import { mutation, query } from './_generated/server'

export const generateUploadUrl = mutation({
  args: {},
  handler: ctx => ctx.storage.generateUploadUrl(),
})

export const save = mutation({
  args: { storageId: v.id('_storage'), name: v.string() },
  handler: (ctx, args) => ctx.db.insert('uploads', args),
})

export const list = query({
  args: {},
  handler: async (ctx) => {
    const uploads = await ctx.db.query('uploads').collect()
    return Promise.all(uploads.map(async upload => ({ name: upload.name, url: await ctx.storage.getUrl(upload.storageId) })))
  },
})

/** The `_storage` documents, as a deployment records them. */
export const stored = query({
  args: {},
  handler: async ctx => (await ctx.db.system.query('_storage').collect()).map(({ sha256, size, contentType }) => ({ sha256, size, contentType })),
})
