// Encodings of Convex's sync protocol (see convex/src/browser/sync/protocol.ts).

/** A protocol timestamp (u64) as the base64 of its 8 little-endian bytes. */
export function encodeTs(ts: bigint): string {
  const bytes = new Uint8Array(8)
  let rest = ts
  for (let i = 0; i < 8; i++) {
    bytes[i] = Number(rest & 0xFFn)
    rest >>= 8n
  }
  let binary = ''
  for (const b of bytes)
    binary += String.fromCharCode(b)
  return btoa(binary)
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = Uint8Array.from(binary, c => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const b of bytes)
    binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The claims of a JWT, or `null` when `token` is not one. The signature is not checked. */
export function decodeJwt(token: string): Record<string, unknown> | null {
  const parts = token.split('.')
  if (parts.length !== 3)
    return null
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1]))
    return claims && typeof claims === 'object' ? claims : null
  }
  catch {
    return null
  }
}

/** Claims accepted by {@link createTestToken}; `sub` is the identity's subject. */
export interface TestTokenClaims {
  sub: string
  iss?: string
  /** Seconds until the token expires. @default 3600 */
  expiresIn?: number
  [claim: string]: unknown
}

/**
 * An unsigned JWT for `client.setAuth(() => token)` against the in-memory backend,
 * with `iat` and `exp` set as the Convex client expects.
 */
export function createTestToken(claims: TestTokenClaims): string {
  const { expiresIn = 3600, ...rest } = claims
  const now = Math.floor(Date.now() / 1000)
  const payload = { iss: 'https://convex.test', aud: 'convex', iat: now, exp: now + expiresIn, ...rest }
  return `${base64UrlEncode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64UrlEncode(JSON.stringify(payload))}.test`
}
