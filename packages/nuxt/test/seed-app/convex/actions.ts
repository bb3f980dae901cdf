// The seed's server example, verbatim below its imports (which the example leaves out).
import { v } from 'convex/values'
import { action } from './_generated/server'

// convex/actions.ts
export const sendEmail = action({
  args: { to: v.string(), subject: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    // Call external email API
    const response = await fetch('https://api.email.com/send', {
      method: 'POST',
      body: JSON.stringify(args),
    })
    return response.ok
  },
})
