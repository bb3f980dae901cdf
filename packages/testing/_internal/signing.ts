// A deployment's own signing key: what `ctx.auth.signJwt` signs with (ES256) and what the
// deployment publishes at `${CONVEX_CLOUD_URL}/.well-known/jwks.json` (Convex Auth 2's
// `convexAuthProvider()` checks its tokens against it).
import type { JSONWebKeySet, JWK } from 'jose'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose'

/** The key as convex-test's `1.0/signJwt` syscall reads it from its instance (`deploymentJwtKey`). */
export interface DeploymentKey {
  privateKey: CryptoKey
  /** The RFC 7638 thumbprint of the public key, as a deployment names its key. */
  kid: string
  /** The public half, as the JWKS lists it. */
  publicJwk: JWK
}

/** The public half of a private EC JWK, named by its thumbprint. */
async function publicHalf(jwk: JWK): Promise<JWK & { kid: string }> {
  const { kty, crv, x, y } = jwk
  const kid = await calculateJwkThumbprint({ kty, crv, x, y })
  return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }
}

/** A new ES256 key pair, as a private JWK (what `dev` keeps in `signing-key.json`). */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: (await publicHalf(jwk)).kid, alg: 'ES256', use: 'sig' }
}

/**
 * The deployment key of a private ES256 JWK (`undefined`: a new key, kept in memory only).
 * Throws, saying what is wrong, for anything but a private P-256 key.
 */
export async function deploymentKey(jwk?: JWK): Promise<DeploymentKey> {
  const key = jwk ?? await generateSigningKey()
  if (key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.d !== 'string')
    throw new Error('[vueuse-convex] The signing key must be a private ES256 key (an EC P-256 JWK with "d"): delete it to have a new one made.')
  const publicJwk = await publicHalf(key)
  const privateKey = await importJWK({ ...key, alg: 'ES256' }, 'ES256', { extractable: false }) as CryptoKey
  return { privateKey, kid: publicJwk.kid, publicJwk }
}

/** The JWKS a deployment serves at `/.well-known/jwks.json`. */
export function jwksOf(key: DeploymentKey): JSONWebKeySet {
  return { keys: [{ ...key.publicJwk }] }
}
