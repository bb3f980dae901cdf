import { ConvexError, v } from 'convex/values'
import { internal } from './_generated/api'
import { action, internalMutation } from './_generated/server'

/** Test cards, as payment processors have them. */
const DECLINES: Record<string, string> = {
  pm_card_declined: 'card_declined',
  pm_card_insufficient_funds: 'insufficient_funds',
}

/** Charges a payment method; declined cards fail with a ConvexError carrying the reason. */
export const process = action({
  args: { amount: v.number(), paymentMethodId: v.string() },
  handler: async (ctx, { amount, paymentMethodId }) => {
    if (!Number.isInteger(amount) || amount <= 0)
      throw new ConvexError({ code: 'invalid_amount', message: 'The amount must be a positive number of cents.' })
    const declined = DECLINES[paymentMethodId]
    if (declined)
      throw new ConvexError(declined)
    const chargeId: string = await ctx.runMutation(internal.payments.record, { amount, paymentMethodId })
    return { success: true as const, chargeId, amount }
  },
})

export const record = internalMutation({
  args: { amount: v.number(), paymentMethodId: v.string() },
  handler: async (ctx, args) => {
    const count = (await ctx.db.query('payments').collect()).length
    const chargeId = `ch_${String(count + 1).padStart(4, '0')}`
    await ctx.db.insert('payments', { ...args, chargeId })
    return chargeId
  },
})
