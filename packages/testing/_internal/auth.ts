// Who a token says the caller is, checked against the app's `convex/auth.config.ts` as a
// deployment checks it (with jose): the issuer and audience must match a configured provider,
// the signature one of its keys, `exp` must be there and in the future, `nbf` in the past. The
// test kit alone also accepts its published test key (HS256), which test tokens are signed with.
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose'
import type { Environment } from './environment'
import type { TestIdentity } from './executor'
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { fillPlaceholders, withPlaceholders } from './environment'
import { moduleKey } from './functions'
import { TEST_KEY, TEST_KEY_ID } from './wire'

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
  /** Custom JWT providers: the signing algorithm. @default 'RS256' */
  algorithm?: string
}

/** A token a deployment refuses, with its reason (sent as an `AuthError`, or a 401 over HTTP). */
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

function matches(provider: AuthProvider, claims: JWTPayload): boolean {
  if (typeof claims.iss !== 'string' || trimSlash(claims.iss) !== issuerOf(provider))
    return false
  if (provider.type === 'customJwt' && !provider.applicationID)
    return true
  const aud = claims.aud
  return Array.isArray(aud) ? aud.includes(provider.applicationID!) : aud === provider.applicationID
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

/** The keys of a provider, for `jwtVerify`; throws an {@link AuthFailure} saying why it has none. */
export type KeysOf = (provider: AuthProvider) => Promise<JWTVerifyGetKey>

/** Answers a request to one of the backend's own URLs in-process (`undefined`: not one of them). */
export type OwnFetch = (url: string) => Promise<Response> | undefined

/** How long a provider's discovery document and JWKS may take over the network. */
const NETWORK_TIMEOUT_MS = 5000

/** The keys of a `data:` JWKS URL (as `customJwt` providers may give them inline). */
export function inlineJwks(url: string): JSONWebKeySet | undefined {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(url)
  if (!match)
    return undefined
  try {
    const text = match[1] ? new TextDecoder().decode(Uint8Array.from(atob(match[2].replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0))) : decodeURIComponent(match[2])
    const jwks = JSON.parse(text)
    return Array.isArray(jwks?.keys) ? jwks : undefined
  }
  catch {
    return undefined
  }
}

/**
 * Where a provider's keys come from, as a deployment finds them: a `customJwt` provider's `jwks`
 * (inline as a `data:` URL, on this backend's own URLs — Convex Auth's — answered in-process, or
 * fetched), an OIDC provider's `jwks_uri` from `${domain}/.well-known/openid-configuration`.
 * Fetched keys are cached (jose's remote JWKS caches and refetches for an unknown `kid`); keys
 * the backend serves itself are read again when `own` changes (a deploy makes a new resolver).
 */
export function providerKeys(own: OwnFetch): KeysOf {
  const cache = new Map<string, Promise<JWTVerifyGetKey>>()

  async function json(url: string, what: string, provider: AuthProvider): Promise<any> {
    let response: Response
    try {
      response = await (own(url) ?? fetch(url, { signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS), headers: { accept: 'application/json' } }))
    }
    catch (e) {
      throw new AuthFailure(`Could not fetch the ${what} of ${describe(provider)} at ${url}: ${(e as Error).message}. The backend needs the network to check this provider's tokens (no network, no tokens from it).`)
    }
    if (!response.ok)
      throw new AuthFailure(`Could not fetch the ${what} of ${describe(provider)} at ${url}: HTTP ${response.status}.`)
    try {
      return await response.json()
    }
    catch {
      throw new AuthFailure(`The ${what} of ${describe(provider)} at ${url} is not JSON.`)
    }
  }

  async function keysAt(url: string, provider: AuthProvider): Promise<JWTVerifyGetKey> {
    if (url.startsWith('data:')) {
      const jwks = inlineJwks(url)
      if (!jwks)
        throw new AuthFailure(`The inline JWKS of ${describe(provider)} is not a JSON Web Key Set ({ "keys": [...] }).`)
      return createLocalJWKSet(jwks)
    }
    if (!URL.canParse(url))
      throw new AuthFailure(`The JWKS URL of ${describe(provider)} is not a URL: ${JSON.stringify(url)}.`)
    if (own(url)) {
      const jwks = await json(url, 'JWKS', provider)
      if (!Array.isArray(jwks?.keys))
        throw new AuthFailure(`The JWKS of ${describe(provider)} at ${url} has no "keys".`)
      return createLocalJWKSet(jwks)
    }
    return createRemoteJWKSet(new URL(url), { timeoutDuration: NETWORK_TIMEOUT_MS })
  }

  async function resolve(provider: AuthProvider): Promise<JWTVerifyGetKey> {
    if (provider.type === 'customJwt') {
      if (typeof provider.jwks !== 'string')
        throw new AuthFailure(`${describe(provider)} has no jwks: give the URL of its keys (or a data: URL with them) in auth.config.ts.`)
      return keysAt(provider.jwks, provider)
    }
    if (typeof provider.domain !== 'string' || !URL.canParse(provider.domain))
      throw new AuthFailure(`${describe(provider)} has no domain URL: set domain in auth.config.ts (an environment variable it reads may be unset).`)
    const discovery = await json(`${trimSlash(provider.domain)}/.well-known/openid-configuration`, 'OpenID configuration', provider)
    if (typeof discovery?.jwks_uri !== 'string')
      throw new AuthFailure(`The OpenID configuration of ${describe(provider)} names no jwks_uri.`)
    return keysAt(discovery.jwks_uri, provider)
  }

  return (provider) => {
    const key = JSON.stringify(provider)
    let keys = cache.get(key)
    if (!keys) {
      keys = resolve(provider)
      cache.set(key, keys)
      // A failure is not kept: the next token tries again (the network may be back).
      keys.catch(() => cache.delete(key))
    }
    return keys
  }
}

/** The algorithms a provider's tokens may be signed with. */
function algorithmsOf(provider: AuthProvider): string[] {
  return provider.type === 'customJwt'
    ? [provider.algorithm ?? 'RS256']
    : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
}

/** A deployment's reason for refusing a token that jose did not accept. */
function reasonOf(e: unknown, provider: AuthProvider, header: { alg?: string, kid?: string }): string {
  if (e instanceof AuthFailure)
    return e.message
  if (e instanceof errors.JWTExpired)
    return 'Token expired: the `exp` claim is in the past. Return a fresh token from the function given to setAuth.'
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'exp')
      return 'The token has no valid `exp` claim: Convex accepts only tokens that expire.'
    if (e.claim === 'nbf')
      return 'The token is not valid yet: its `nbf` claim is in the future.'
    if (e.claim === 'iat')
      return 'The token\'s `iat` claim is invalid.'
    return `The token's \`${e.claim}\` claim is invalid: ${e.message}.`
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported)
    return `The token is signed with ${JSON.stringify(header.alg)}, which ${describe(provider)} does not accept (it takes ${algorithmsOf(provider).join(', ')}).`
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys)
    return `No key of ${describe(provider)} matches the token (alg ${JSON.stringify(header.alg)}, kid ${JSON.stringify(header.kid)}): it was not signed with the provider's keys.`
  if (e instanceof errors.JWKSTimeout)
    return `Could not fetch the keys of ${describe(provider)} in time: the backend needs the network to check this provider's tokens.`
  return `Could not verify the token's signature for ${describe(provider)}: it was not signed with the provider's keys (${(e as Error)?.message ?? String(e)}).`
}

/** Options of {@link verifyToken}. */
export interface VerifyTokenOptions {
  /**
   * Accept tokens signed with the test kit's published key (HS256, {@link createTestToken}):
   * `createTestConvex` only, never a served deployment (`dev`).
   */
  testKey: boolean
}

/**
 * The identity a deployment derives from `token`, or an {@link AuthFailure} saying why it
 * refuses it: the token must match a provider of `providers` and be signed with its keys
 * (`keysOf`), or — in the test kit only — with the published test key.
 */
export async function verifyToken(token: unknown, providers: AuthProvider[], keysOf: KeysOf, options: VerifyTokenOptions): Promise<TestIdentity> {
  if (typeof token !== 'string' || !token)
    throw new AuthFailure('The auth token is missing: send a JWT.')
  let header: ReturnType<typeof decodeProtectedHeader>
  let claims: JWTPayload
  try {
    header = decodeProtectedHeader(token)
    claims = decodeJwt(token)
  }
  catch {
    throw new AuthFailure('Could not parse the auth token: it is not a JWT (three base64url parts, a JSON header and JSON claims).')
  }
  if (header.alg === 'none' || !header.alg)
    throw new AuthFailure('The token is not signed (alg "none"): a deployment accepts only tokens signed with its providers\' keys.')
  const provider = providers.find(p => matches(p, claims))
  if (!provider) {
    const configured = providers.length ? providers.map(describe).join(', ') : 'none (add convex/auth.config.ts)'
    throw new AuthFailure(`NoAuthProvider: No auth provider found matching the given token (iss=${String(claims.iss)}, aud=${JSON.stringify(claims.aud)}). Check that your JWT's issuer and audience match one of your configured providers: ${configured}.`)
  }
  const testSigned = header.alg === 'HS256' && header.kid === TEST_KEY_ID
  if (testSigned && !options.testKey)
    throw new AuthFailure(`The token is signed with the test kit's published key (HS256, kid ${TEST_KEY_ID}), which only createTestConvex accepts: this backend checks tokens against ${describe(provider)}'s own keys, as a deployment does.`)
  let payload: JWTPayload
  try {
    const key = testSigned ? TEST_KEY : await keysOf(provider)
    ;({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
      algorithms: testSigned ? ['HS256'] : algorithmsOf(provider),
      requiredClaims: ['exp'],
    }))
  }
  catch (e) {
    throw new AuthFailure(reasonOf(e, provider, header))
  }
  if (typeof payload.sub !== 'string')
    throw new AuthFailure('The token has no `sub` claim: Convex needs it for the identity\'s subject.')
  const { sub, iss, aud: _aud, iat: _iat, exp: _exp, nbf: _nbf, ...rest } = payload
  return { ...rest, subject: sub, issuer: iss!, tokenIdentifier: `${iss}|${sub}` } as TestIdentity
}

/** The issuer and audience a test token needs to be accepted by the first provider. */
export function defaultAudience(providers: AuthProvider[]): { iss: string, aud?: string } | undefined {
  const provider = providers[0]
  const iss = provider && (provider.type === 'customJwt' ? provider.issuer : provider.domain)
  return iss ? { iss, ...(provider.applicationID ? { aud: provider.applicationID } : {}) } : undefined
}
