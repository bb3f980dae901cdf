import type { Environment } from './environment'
// Who a token says the caller is, checked against the app's `convex/auth.config.ts` as a
// deployment checks it: the issuer and audience must match a configured provider.
// Signatures are not verified (test tokens are unsigned); everything else is.
import type { TestIdentity } from './executor'
import { fillPlaceholders, withPlaceholders } from './environment'
import { moduleKey } from './functions'
import { decodeJwt } from './wire'

/** One entry of `auth.config.ts`'s `providers`. */
export interface AuthProvider {
  type?: 'customJwt'
  /** OIDC providers: the issuer. */
  domain?: string
  /** Custom JWT providers: the issuer. */
  issuer?: string
  /** The audience (`aud`) the token must carry; optional for custom JWT providers. */
  applicationID?: string
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

/**
 * The identity a deployment derives from `token`, or an {@link AuthFailure} saying why it
 * refuses it.
 */
export function verifyToken(token: string, providers: AuthProvider[], now = Date.now()): TestIdentity {
  const claims = decodeJwt(token)
  if (!claims)
    throw new AuthFailure('Could not parse the auth token: it is not a JWT (three base64url parts).')
  if (typeof claims.exp === 'number' && claims.exp * 1000 < now)
    throw new AuthFailure('Token expired: the `exp` claim is in the past. Return a fresh token from the function given to setAuth.')
  if (!providers.some(provider => matches(provider, claims))) {
    const configured = providers.length ? providers.map(describe).join(', ') : 'none (add convex/auth.config.ts)'
    throw new AuthFailure(`NoAuthProvider: No auth provider found matching the given token (iss=${String(claims.iss)}, aud=${JSON.stringify(claims.aud)}). Check that your JWT's issuer and audience match one of your configured providers: ${configured}.`)
  }
  if (typeof claims.sub !== 'string')
    throw new AuthFailure('The token has no `sub` claim: Convex needs it for the identity\'s subject.')
  const { sub, iss, aud: _aud, iat: _iat, exp: _exp, ...rest } = claims as Record<string, any>
  return { ...rest, subject: sub, issuer: iss, tokenIdentifier: `${iss}|${sub}` }
}

/** The issuer and audience a test token needs to be accepted by the first provider. */
export function defaultAudience(providers: AuthProvider[]): { iss: string, aud?: string } | undefined {
  const provider = providers[0]
  const iss = provider && (provider.type === 'customJwt' ? provider.issuer : provider.domain)
  return iss ? { iss, ...(provider.applicationID ? { aud: provider.applicationID } : {}) } : undefined
}
