// A token read from a request or a cookie, as the module hands it to Convex.

/** Seconds a token must still be valid for to count (a call takes a moment). */
const MARGIN_S = 10

/**
 * `token` when it is one a deployment could accept now: `null` for none, and for a JWT whose
 * `exp` has passed (an old cookie is a signed-out user, not a failing page). The signature is
 * Convex's to check.
 */
export function tokenIfValid(token: string | null | undefined): string | null {
  if (typeof token !== 'string' || !token)
    return null
  const payload = token.split('.')[1]
  if (!payload)
    return token // not a JWT: Convex decides
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
    const { exp } = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as { exp?: unknown }
    return typeof exp === 'number' && exp <= Date.now() / 1000 + MARGIN_S ? null : token
  }
  catch {
    return token
  }
}
