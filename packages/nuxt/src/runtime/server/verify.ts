// Whether a token is one the app's identity provider (or, for Convex Auth 2, the deployment)
// signed: checked as a deployment checks it, with the provider's published keys, before a page
// renders — so a forged cookie never renders a signed-in page.
import type { JWTVerifyGetKey } from 'jose'
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'

/** The audience Convex Auth 2 gives its access tokens (`convexAuthProvider()`'s `applicationID`). */
const AUDIENCE = 'convex-auth'

/** A provider of `convex/auth.config.ts`, as the server checks its tokens (`auth.verify`). */
export interface TokenIssuer {
  /** The provider's `domain` (OIDC) or `issuer` (customJwt): the token's `iss`. */
  issuer: string
  /** The provider's `applicationID`: the token's `aud`. @default undefined (any audience) */
  audience?: string | string[]
  /**
   * The URL of the provider's public keys (a customJwt provider's `jwks`).
   * @default the `jwks_uri` of `${issuer}/.well-known/openid-configuration`
   */
  jwks?: string
}

const keySets = new Map<string, Promise<JWTVerifyGetKey>>()

/** The keys at `url`, fetched once and cached by jose (refetched for a new key id). */
function keysAt(url: string): Promise<JWTVerifyGetKey> {
  let keys = keySets.get(url)
  if (!keys) {
    keys = Promise.resolve(createRemoteJWKSet(new URL(url)))
    keySets.set(url, keys)
  }
  return keys
}

/** The keys an OIDC issuer publishes, found through its discovery document (cached once found). */
function discoveredKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const discovery = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  let keys = keySets.get(discovery)
  if (!keys) {
    keys = (async () => {
      const response = await fetch(discovery)
      if (!response.ok)
        throw new Error(`${discovery} answered ${response.status}`)
      const { jwks_uri: uri } = await response.json() as { jwks_uri?: unknown }
      if (typeof uri !== 'string')
        throw new Error(`${discovery} names no jwks_uri`)
      return createRemoteJWKSet(new URL(uri))
    })()
    keySets.set(discovery, keys)
    // A failed discovery is tried again on the next request.
    keys.catch(() => keySets.delete(discovery))
  }
  return keys
}

/** Whether `e` says the keys could not be had (rather than that the token is bad). */
function unreachable(e: unknown): boolean {
  // A JWKS endpoint that does not answer 200 is a plain JOSEError.
  return e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || !(e instanceof errors.JOSEError) || e.constructor === errors.JOSEError
}

/**
 * `token` when `issuer`'s keys verify its signature and it has the issuer, the audience and a
 * future `exp`; `null` for a token that is forged, expired or someone else's. Throws, saying
 * what to check, when the keys cannot be fetched (a page must not render signed out for that).
 */
export async function verifyIssuedToken(token: string | null | undefined, issuer: TokenIssuer): Promise<string | null> {
  if (!token)
    return null
  try {
    const keys = await (issuer.jwks ? keysAt(issuer.jwks) : discoveredKeys(issuer.issuer))
    await jwtVerify(token, keys, { issuer: issuer.issuer, audience: issuer.audience, requiredClaims: ['exp'] })
    return token
  }
  catch (e) {
    if (unreachable(e))
      throw new Error(`[vueuse-convex] Could not fetch the keys of ${issuer.issuer} to check the sign-in cookie (${(e as Error).message}). Check convex.auth.verify in nuxt.config.ts (issuer, jwks) and that the server can reach them.`, { cause: e })
    return null // forged, expired, another issuer's or audience's: no user
  }
}

/** `token` when the deployment signed it for Convex Auth and it has not expired; else `null`. */
export async function verifyConvexAuthToken(url: string, token: string | null | undefined): Promise<string | null> {
  if (!token)
    return null
  try {
    await jwtVerify(token, await keysAt(`${url}/.well-known/jwks.json`), { issuer: `${url}/components/auth`, audience: AUDIENCE })
    return token
  }
  catch {
    return null // forged, expired, of another deployment: no user
  }
}
