import { api } from '#convex/_generated/api'

// Explicitly signed out, whatever the request carries: the Convex function refuses it, and its
// ConvexError becomes an h3 error with the error's data.
export default defineEventHandler(async (event) => {
  return await useConvexServer(event, { auth: false }).mutation(api.messages.sendAsMe, { body: 'anonymous' })
})
