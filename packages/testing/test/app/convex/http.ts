import { httpRouter } from 'convex/server'
import { api } from './_generated/api'
import { httpAction } from './_generated/server'

const http = httpRouter()

// A webhook that stores the posted file and records it, as an upload form's handler would.
http.route({
  path: '/upload',
  method: 'POST',
  handler: httpAction(async (ctx, request) => {
    const name = new URL(request.url).searchParams.get('name') ?? 'unnamed'
    const storageId = await ctx.storage.store(await request.blob())
    await ctx.runMutation(api.files.save, { storageId, name })
    return Response.json({ storageId })
  }),
})

http.route({
  path: '/notes',
  method: 'GET',
  handler: httpAction(async (ctx) => {
    const notes = await ctx.runQuery(api.notes.list, {})
    return Response.json(notes.map(note => note.body))
  }),
})

http.route({
  pathPrefix: '/hooks/',
  method: 'POST',
  handler: httpAction(async (ctx, request) => {
    const who = await ctx.auth.getUserIdentity()
    await ctx.runMutation(api.notes.add, { body: `hook ${new URL(request.url).pathname}: ${await request.text()}` })
    return new Response(who?.subject ?? 'anonymous', { status: 201 })
  }),
})

// Convex's documented CORS recipe: the app answers the preflight itself.
http.route({
  path: '/cors',
  method: 'OPTIONS',
  handler: httpAction(async () => new Response(null, {
    status: 204,
    headers: { 'Access-Control-Allow-Origin': 'https://app.example', 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Vary': 'origin' },
  })),
})

export default http
