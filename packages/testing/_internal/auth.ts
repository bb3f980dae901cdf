// Who a token says the caller is, checked against the app's `convex/auth.config.ts` as a
// deployment checks it: the issuer and audience must match a configured provider, and the
// signature one of its keys (or the backend's test key, which test tokens are signed with).
import type { Environment } from './environment'
import type { TestIdentity } from './executor'
import { fillPlaceholders, withPlaceholders } from './environment'
import { moduleKey } from './functions'
import { base64UrlBytes, decodeJwt, TEST_KEY_ID, testSignature } from './wire'

/** One entry of `auth.config.ts`'s `providers`. */
export interface AuthProvider {
  type?: 'customJwt'
  /** OIDC providers: the issuer. */
  domain?: string
  /** Custom JWT providers: the issuer. */
  issuer?: string
  /** The audience (`aud`) the token must carry; optional for custom JWT providers. */
  applicationID?: string
  /** Custom JWT providers: where their public keys are (a URL, or a `data:` URL). */
  jwks?: string
}

/** A token a deployment refuses, with its reason (sent as an `AuthError`). */
export class AuthFailure extends Error {
  override name = 'AuthFailure'
}

const trimSlash = (url: string) => url.replace(/\/+$/, '')

function describe(provider: AuthProvider): string {
  return provider.type === 'customJwt'
    ? `CustomJWT(issuer=${provider.issuer}${provider.applicationID ? `, app_id=${provider.applicationID}` : ''})`
    : `OIDC(domain=${provider.domain}, app_id=${provider.applicationID})`
}

function issuerOf(provider: AuthProvider): string | undefined {
  const issuer = provider.type === 'customJwt' ? provider.issuer : provider.domain
  return typeof issuer === 'string' ? trimSlash(issuer) : undefined
}

function matches(provider: AuthProvider, claims: Record<string, unknown>): boolean {
  if (typeof claims.iss !== 'string' || trimSlash(claims.iss) !== issuerOf(provider))
    return false
  if (provider.type === 'customJwt' && !provider.applicationID)
    return true
  const aud = claims.aud
  return Array.isArray(aud) ? aud.includes(provider.applicationID) : aud === provider.applicationID
}

/**
 * The providers of the app's `auth.config.ts` (found among `modules` next to `_generated/`), as
 * the backend whose environment is `environment` reads them: the module is evaluated once, with
 * the environment variables `names` as placeholders each backend fills with its own values
 * (`CONVEX_SITE_URL` is each backend's). An app without one accepts no token, as a deployment does.
 */
export function authProviders(modules: Record<string, () => Promise<any>>, environment: () => Environment, names: ReadonlySet<string>): () => Promise<AuthProvider[]> {
  const key = moduleKey(modules, 'auth.config')
  let loaded: Promise<AuthProvider[]> | undefined
  return () => (loaded ??= key
    ? withPlaceholders(names, () => modules[key]()).then((module) => {
        const config = module?.default ?? module
        return Array.isArray(config?.providers) ? config.providers : []
      })
    : Promise.resolve([])).then(providers => fillPlaceholders(providers, environment()))
}

/** The public keys of a provider (its JWKS), or `undefined` when the backend cannot reach them. */
export type KeysOf = (provider: AuthProvider) => Promise<JsonWebKey[] | undefined>

const ALGORITHMS: Record<string, { import: RsaHashedImportParams | EcKeyImportParams, verify: AlgorithmIdentifier | EcdsaParams }> = {
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: 'RSASSA-PKCS1-v1_5' },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
}

/** Whether `signature` signs `signingInput` with one of `keys` (the one named `kid`, when given). */
async function signedBy(keys: JsonWebKey[], alg: string, kid: unknown, signingInput: string, signature: Uint8Array): Promise<boolean> {
  const algorithm = ALGORITHMS[alg]
  if (!algorithm)
    return false
  for (const jwk of keys.filter(key => kid === undefined || (key as { kid?: string }).kid === undefined || (key as { kid?: string }).kid === kid)) {
    try {
      const key = await crypto.subtle.importKey('jwk', jwk, algorithm.import, false, ['verify'])
      if (await crypto.subtle.verify(algorithm.verify, key, signature as BufferSource, new TextEncoder().encode(signingInput)))
        return true
    }
    catch {}
  }
  return false
}

/**
 * The identity a deployment derives from `token`, or an {@link AuthFailure} saying why it
 * refuses it: the signature is checked against the provider's keys where the backend can reach
 * them (Convex Auth's on this backend's own site, a `customJwt` provider's `data:` JWKS), and
 * against the backend's test key ({@link createTestToken}) for every provider.
 */
export async function verifyToken(token: string, providers: AuthProvider[], keysOf: KeysOf, now = Date.now()): Promise<TestIdentity> {
  const claims = decodeJwt(token)
  const parts = token.split('.')
  let header: { alg?: string, kid?: string } | undefined
  try {
    header = JSON.parse(new TextDecoder().decode(base64UrlBytes(parts[0])))
  }
  catch {}
  if (!claims || !header || typeof header !== 'object')
    throw new AuthFailure('Could not parse the auth token: it is not a JWT (three base64url parts).')
  if (typeof claims.exp === 'number' && claims.exp * 1000 < now)
    throw new AuthFailure('Token expired: the `exp` claim is in the past. Return a fresh token from the function given to setAuth.')
  const provider = providers.find(p => matches(p, claims))
  if (!provider) {
    const configured = providers.length ? providers.map(describe).join(', ') : 'none (add convex/auth.config.ts)'
    throw new AuthFailure(`NoAuthProvider: No auth provider found matching the given token (iss=${String(claims.iss)}, aud=${JSON.stringify(claims.aud)}). Check that your JWT's issuer and audience match one of your configured providers: ${configured}.`)
  }
  const signingInput = `${parts[0]}.${parts[1]}`
  const valid = header.alg === 'HS256'
    ? header.kid === TEST_KEY_ID && parts[2] === testSignature(signingInput)
    : await signedBy(await keysOf(provider) ?? [], String(header.alg), header.kid, signingInput, base64UrlBytes(parts[2]))
  if (!valid) {
    throw new AuthFailure(`Could not verify the token's signature for ${describe(provider)}: it was not signed with the provider's keys${header.alg === 'HS256' ? '' : ' (where this backend can reach them)'} or the in-memory backend's test key. Make test tokens with backend.createToken() or createTestToken().`)
  }
  if (typeof claims.sub !== 'string')
    throw new AuthFailure('The token has no `sub` claim: Convex needs it for the identity\'s subject.')
  const { sub, iss, aud: _aud, iat: _iat, exp: _exp, ...rest } = claims as Record<string, any>
  return { ...rest, subject: sub, issuer: iss, tokenIdentifier: `${iss}|${sub}` }
}

/**
 * The JWKS URL of `provider`: a `customJwt` provider's `jwks`, an OIDC provider's
 * `<domain>/.well-known/jwks.json` (where Convex Auth serves it).
 */
export function jwksUrl(provider: AuthProvider): string | undefined {
  if (provider.type === 'customJwt')
    return typeof provider.jwks === 'string' ? provider.jwks : undefined
  return typeof provider.domain === 'string' ? `${trimSlash(provider.domain)}/.well-known/jwks.json` : undefined
}

/** The keys of a `data:` JWKS URL (as `customJwt` providers may give them inline). */
export function inlineJwks(url: string): JsonWebKey[] | undefined {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(url)
  if (!match)
    return undefined
  try {
    const text = match[1] ? new TextDecoder().decode(base64UrlBytes(match[2])) : decodeURIComponent(match[2])
    const keys = JSON.parse(text)?.keys
    return Array.isArray(keys) ? keys : undefined
  }
  catch {
    return undefined
  }
}

/** The issuer and audience a test token needs to be accepted by the first provider. */
export function defaultAudience(providers: AuthProvider[]): { iss: string, aud?: string } | undefined {
  const provider = providers[0]
  const iss = provider && (provider.type === 'customJwt' ? provider.issuer : provider.domain)
  return iss ? { iss, ...(provider.applicationID ? { aud: provider.applicationID } : {}) } : undefined
}
