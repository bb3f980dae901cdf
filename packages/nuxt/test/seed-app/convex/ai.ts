import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { action } from './_generated/server'

/** Text for a prompt: `{ text, tokens }`, as the seed's TypeScript example describes it. */
export const generate = action({
  args: { prompt: v.string() },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'ai.generate', args })
    if (!args.prompt.trim())
      throw new ConvexError('Write a prompt first.')
    const text = `An answer to "${args.prompt}".`
    return { text, tokens: text.split(/\s+/).length }
  },
})

/** A summary of a text. */
export const generateSummary = action({
  args: { text: v.string() },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'ai.generateSummary', args })
    return `Summary: ${args.text.slice(0, 20)}`
  },
})

/** The AI-generated summary of an article. */
export const summarize = action({
  args: { articleId: v.string() },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'ai.summarize', args })
    return `Summary of article ${args.articleId}`
  },
})
