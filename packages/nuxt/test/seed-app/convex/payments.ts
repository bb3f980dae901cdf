import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { action } from './_generated/server'

/**
 * Charges a payment method. The seed's error-handling example pays without naming one: the
 * account's default card, which has too little on it for that amount.
 */
export const process = action({
  args: { amount: v.number(), paymentMethodId: v.optional(v.string()) },
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.calls.record, { name: 'payments.process', args })
    if (!args.paymentMethodId && args.amount > 500)
      throw new ConvexError('insufficient_funds')
    return { success: true, chargeId: `ch_${args.amount}` }
  },
})
