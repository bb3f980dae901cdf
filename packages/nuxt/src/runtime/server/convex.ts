// Convex from Nitro: server routes, server middleware and server plugins call the app's
// functions as the requesting user, with the token the page render uses.
import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { H3Event } from 'h3'
import type { ConvexRuntimeConfig } from '../../module'
import { useRuntimeConfig } from '#imports'
import { ConvexHttpClient } from 'convex/browser'
import { createError, getCookie, getRequestHeader } from 'h3'
import { tokenIfValid } from '../token'
import { toH3Error } from './errors'

export { toH3Error } from './errors'

/** Options of {@link useConvexServer}. */
export interface UseConvexServerOptions {
  /**
   * Whose calls these are. `true`: the requesting user's, or signed out when the request
   * carries no token. `'required'`: the requesting user's, and a 401 error at once without a
   * token. `false`: signed out, explicitly, whatever the request carries.
   * @default true
   */
  auth?: boolean | 'required'
  /**
   * A token to call with instead of the request's (one your identity provider gave you on
   * the server). `null` calls signed out.
   * @default the request's token: `Authorization: Bearer …`, else the cookie `convex.auth.cookie` names
   */
  token?: string | null
}

/** What {@link useConvexServer} returns: the Convex calls of one request, typed from their references. */
export interface ConvexServer {
  /** Runs a query once. A Convex error becomes an h3 error (see {@link toH3Error}). */
  query: <Query extends FunctionReference<'query'>>(query: Query, ...args: OptionalRestArgs<Query>) => Promise<FunctionReturnType<Query>>
  /** Runs a mutation. A Convex error becomes an h3 error. */
  mutation: <Mutation extends FunctionReference<'mutation'>>(mutation: Mutation, ...args: OptionalRestArgs<Mutation>) => Promise<FunctionReturnType<Mutation>>
  /** Runs an action. A Convex error becomes an h3 error. */
  action: <Action extends FunctionReference<'action'>>(action: Action, ...args: OptionalRestArgs<Action>) => Promise<FunctionReturnType<Action>>
  /** Whether the calls carry a user's token. */
  authenticated: boolean
}

/** The module's settings, from the runtime config (so `NUXT_PUBLIC_CONVEX_URL` applies). */
function settings(event: H3Event): ConvexRuntimeConfig {
  const config = (useRuntimeConfig(event).public as { convex?: ConvexRuntimeConfig }).convex
  if (!config?.url)
    throw new Error('[vueuse-convex] useConvexServer(): no Convex URL. Set `convex: { url }` in nuxt.config.ts, or NUXT_PUBLIC_CONVEX_URL when the server starts.')
  return config
}

/**
 * The requesting user's Convex token: the request's `Authorization: Bearer` header, else the
 * Convex Auth 2 session (`auth.convexAuth`: its cookie's token, verified against the
 * deployment's keys), else the cookie the module's `auth.cookie` option names, as the page
 * render reads it (checked against the provider's keys with `auth.verify`). An expired token
 * counts as none. `null` without one.
 */
export function getConvexToken(event: H3Event): string | null {
  const header = getRequestHeader(event, 'authorization')
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
  if (bearer)
    return tokenIfValid(bearer)
  // Convex Auth 2: the session the module read from its cookies (refreshed, and verified).
  const { convexAuth: session, convexCookie: verified } = event.context as { convexAuth?: { token: string | null }, convexCookie?: { token: string | null } }
  if (session)
    return session.token
  // auth.verify: the cookie's token as the module checked it against the provider's keys.
  if (verified)
    return verified.token
  const cookie = settings(event).auth?.cookie
  return cookie ? tokenIfValid(getCookie(event, cookie)) : null
}

/**
 * Convex for one request of a Nitro handler (server route, server middleware, server plugin
 * hook): `query`, `mutation` and `action`, typed from the function reference, each over HTTP
 * as the requesting user. A new client per call of this function, so no token is ever shared
 * between requests. A Convex error is thrown as an h3 error ({@link toH3Error}).
 *
 * @example
 * // server/api/notes.post.ts
 * export default defineEventHandler(async (event) => {
 *   const convex = useConvexServer(event, { auth: 'required' })
 *   return await convex.mutation(api.notes.add, await readBody(event))
 * })
 */
export function useConvexServer(event: H3Event, options: UseConvexServerOptions = {}): ConvexServer {
  const { auth = true } = options
  if (!event || typeof event !== 'object' || !('node' in event || 'web' in event))
    throw new TypeError('[vueuse-convex] useConvexServer(event): pass the handler\'s event, as in defineEventHandler(event => useConvexServer(event)).')
  const { url } = settings(event)
  const token = auth === false ? null : options.token !== undefined ? tokenIfValid(options.token) : getConvexToken(event)
  if (auth === 'required' && !token)
    throw createError({ statusCode: 401, statusMessage: 'Unauthenticated', message: 'Sign in first: this route needs a signed-in user.' })
  const client = new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true, logger: false })
  if (token)
    client.setAuth(token)
  const call = <T>(reference: FunctionReference<any>, run: () => Promise<T>) => run().catch((e: unknown) => {
    throw toH3Error(e, reference)
  })
  return {
    query: (query, ...args) => call(query, () => client.query(query, ...args)),
    mutation: (mutation, ...args) => call(mutation, () => client.mutation(mutation, ...args)),
    action: (action, ...args) => call(action, () => client.action(action, ...args)),
    authenticated: !!token,
  }
}
