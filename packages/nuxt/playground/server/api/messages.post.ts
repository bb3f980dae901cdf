import { api } from '#convex/_generated/api'

// Writes as the requesting user; a signed-out request is refused with a 401 before Convex is called.
export default defineEventHandler(async (event) => {
  const { body } = await readBody<{ body: string }>(event)
  const convex = useConvexServer(event, { auth: 'required' })
  return { id: await convex.mutation(api.messages.sendAsMe, { body }) }
})
