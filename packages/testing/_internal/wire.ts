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

/** The bytes of a base64url (or base64) string. */
export function base64UrlBytes(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), c => c.charCodeAt(0))
}

/** The base64 of `bytes` (in chunks: a stored file may be large). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

const bytesToBase64Url = (bytes: Uint8Array) => bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

const base64UrlDecode = (part: string) => new TextDecoder().decode(base64UrlBytes(part))
const base64UrlEncode = (text: string) => bytesToBase64Url(new TextEncoder().encode(text))

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

// SHA-256 and HMAC, synchronous and without `node:crypto`, so that test tokens are signed the same
// way in Node and in a browser (where the docs' demos run the backend).
const K = Uint32Array.from([
  0x428A2F98,
  0x71374491,
  0xB5C0FBCF,
  0xE9B5DBA5,
  0x3956C25B,
  0x59F111F1,
  0x923F82A4,
  0xAB1C5ED5,
  0xD807AA98,
  0x12835B01,
  0x243185BE,
  0x550C7DC3,
  0x72BE5D74,
  0x80DEB1FE,
  0x9BDC06A7,
  0xC19BF174,
  0xE49B69C1,
  0xEFBE4786,
  0x0FC19DC6,
  0x240CA1CC,
  0x2DE92C6F,
  0x4A7484AA,
  0x5CB0A9DC,
  0x76F988DA,
  0x983E5152,
  0xA831C66D,
  0xB00327C8,
  0xBF597FC7,
  0xC6E00BF3,
  0xD5A79147,
  0x06CA6351,
  0x14292967,
  0x27B70A85,
  0x2E1B2138,
  0x4D2C6DFC,
  0x53380D13,
  0x650A7354,
  0x766A0ABB,
  0x81C2C92E,
  0x92722C85,
  0xA2BFE8A1,
  0xA81A664B,
  0xC24B8B70,
  0xC76C51A3,
  0xD192E819,
  0xD6990624,
  0xF40E3585,
  0x106AA070,
  0x19A4C116,
  0x1E376C08,
  0x2748774C,
  0x34B0BCB5,
  0x391C0CB3,
  0x4ED8AA4A,
  0x5B9CCA4F,
  0x682E6FF3,
  0x748F82EE,
  0x78A5636F,
  0x84C87814,
  0x8CC70208,
  0x90BEFFFA,
  0xA4506CEB,
  0xBEF9A3F7,
  0xC67178F2,
])

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const length = data.length
  const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64)
  padded.set(data)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000))
  view.setUint32(padded.length - 4, (length * 8) >>> 0)
  const h = Uint32Array.from([0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19])
  const w = new Uint32Array(64)
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n))
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4)
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3)
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10)
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0
    }
    let [a, b, c, d, e, f, g, hh] = h
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
      hh = g
      g = f
      f = e
      e = (d + t1) >>> 0
      d = c
      c = b
      b = a
      a = (t1 + t2) >>> 0
    }
    h[0] += a
    h[1] += b
    h[2] += c
    h[3] += d
    h[4] += e
    h[5] += f
    h[6] += g
    h[7] += hh
  }
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  h.forEach((word, i) => outView.setUint32(i * 4, word))
  return out
}

/** HMAC-SHA256 of `data` with `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(64)
  block.set(key.length > 64 ? sha256(key) : key)
  const inner = new Uint8Array(64 + data.length)
  const outer = new Uint8Array(64 + 32)
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i] ^ 0x36
    outer[i] = block[i] ^ 0x5C
  }
  inner.set(data, 64)
  outer.set(sha256(inner), 64)
  return sha256(outer)
}

const utf8 = (text: string) => new TextEncoder().encode(text)

/**
 * The key test tokens are signed with (HS256): the key the in-memory backend holds for every
 * provider whose own keys it cannot reach. It is public — the backend is for tests and
 * development — so a token signed with anything else, or whose payload was changed, is refused.
 */
export const TEST_KEY_ID = 'vueuse-convex-test'
/** The test key's bytes (the HS256 secret). */
export const TEST_KEY = utf8('vueuse-convex: the in-memory backend\'s test signing key')

/** The HS256 signature of `signingInput` (`header.payload`) with the test key. */
export function testSignature(signingInput: string): string {
  return bytesToBase64Url(hmacSha256(TEST_KEY, utf8(signingInput)))
}

/**
 * A JWT for `client.setAuth(() => token)` against the in-memory backend, signed with its test key,
 * with `iat` and `exp` set as the Convex client expects.
 */
export function createTestToken(claims: TestTokenClaims): string {
  const { expiresIn = 3600, ...rest } = claims
  const now = Math.floor(Date.now() / 1000)
  const payload = { iss: 'https://convex.test', aud: 'convex', iat: now, exp: now + expiresIn, ...rest }
  const signingInput = `${base64UrlEncode(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: TEST_KEY_ID }))}.${base64UrlEncode(JSON.stringify(payload))}`
  return `${signingInput}.${testSignature(signingInput)}`
}
