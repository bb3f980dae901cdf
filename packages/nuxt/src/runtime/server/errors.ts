// How a failed Convex call reads to the client of a Nitro route.
import type { FunctionReference } from 'convex/server'
import { getFunctionName } from 'convex/server'
import { ConvexError } from 'convex/values'
import { createError } from 'h3'

/**
 * A Convex error as an h3 error, for a route to throw: a `ConvexError` the function threw is
 * a 400 (or the `status` its data names, 400–599) carrying the error's `data`; a refused
 * token is a 401; anything else a 500. The message names the function, never the token.
 */
export function toH3Error(error: unknown, reference?: FunctionReference<any>): Error {
  const name = reference ? getFunctionName(reference) : 'a Convex function'
  if (error instanceof ConvexError) {
    const data = error.data as { status?: unknown } | undefined
    const status = typeof data?.status === 'number' && data.status >= 400 && data.status < 600 ? data.status : 400
    return createError({ statusCode: status, statusMessage: 'Convex error', message: `${name}: ${typeof error.data === 'string' ? error.data : error.message}`, data: error.data, cause: error })
  }
  const message = error instanceof Error ? error.message : String(error)
  // The HTTP API answers a token it refuses with a 401 and `{ code: "Unauthenticated" }`.
  if (/"code":\s*"(?:Unauthenticated|InvalidAuthHeader|AuthError)"/.test(message))
    return createError({ statusCode: 401, statusMessage: 'Unauthenticated', message: `${name}: the Convex token was refused. Sign in again.` })
  return createError({ statusCode: 500, statusMessage: 'Convex call failed', message: `${name}: ${message}`, cause: error })
}
