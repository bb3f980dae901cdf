// Whether the deployment signed an access token for Convex Auth 2: checked as the deployment
// checks it (`convexAuthProvider()`), with its published keys, before a page renders.
import type { JWTVerifyGetKey } from 'jose'
import { createRemoteJWKSet, jwtVerify } from 'jose'

/** The audience Convex Auth 2 gives its access tokens (`convexAuthProvider()`'s `applicationID`). */
const AUDIENCE = 'convex-auth'

const keySets = new Map<string, JWTVerifyGetKey>()

/** The deployment's public keys, fetched once and cached by jose (refetched for a new key id). */
function keysOf(url: string): JWTVerifyGetKey {
  let keys = keySets.get(url)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`))
    keySets.set(url, keys)
  }
  return keys
}

/** `token` when the deployment signed it for Convex Auth and it has not expired; else `null`. */
export async function verifyConvexAuthToken(url: string, token: string | null | undefined): Promise<string | null> {
  if (!token)
    return null
  try {
    await jwtVerify(token, keysOf(url), { issuer: `${url}/components/auth`, audience: AUDIENCE })
    return token
  }
  catch {
    return null // forged, expired, of another deployment: no user
  }
}
