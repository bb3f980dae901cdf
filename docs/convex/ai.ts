import { ConvexError, v } from 'convex/values'
import { action } from './_generated/server'

/** A stand-in for a language model: deterministic, so demos and tests can assert on it. */
function complete(prompt: string): string {
  const words = prompt.trim().split(/\s+/)
  return `You asked about "${words.slice(0, 8).join(' ')}${words.length > 8 ? '…' : ''}". Here is a short answer in ${words.length} word${words.length === 1 ? '' : 's'} of context.`
}

/** Generates text for a prompt; an empty prompt is rejected with a ConvexError. */
export const generate = action({
  args: { prompt: v.string() },
  handler: async (_ctx, { prompt }) => {
    if (!prompt.trim())
      throw new ConvexError({ code: 'empty_prompt', message: 'Write a prompt first.' })
    const text = complete(prompt)
    return { text, tokens: text.split(/\s+/).length }
  },
})

/** Summarizes an article by id. */
export const summarize = action({
  args: { articleId: v.string() },
  handler: async (_ctx, { articleId }) => `Summary of article ${articleId}: three key points, one conclusion.`,
})

/** An action without arguments: the model's name. */
export const model = action({
  args: {},
  handler: async () => 'in-memory-model-1',
})

/** Fails with a plain Error, as a bug in an action would. */
export const crash = action({
  args: {},
  handler: async () => {
    throw new Error('The model crashed')
  },
})
