// Convex Auth's own setup (@convex-dev/auth: convexAuth with the Password provider, its
// auth.config.ts and http.ts), to run its sign-in flows against the in-memory backend.
// Its _generated/ is written by vueuse-convex-codegen (npm run codegen).
export { api } from './convex/_generated/api'
export { default as schema } from './convex/schema'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])

/** What `npx @convex-dev/auth` sets on a deployment (an RS256 key pair as JWT_PRIVATE_KEY and JWKS), and a GitHub OAuth app's id and secret. */
export async function convexAuthKeys(): Promise<Record<string, string>> {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
  const pkcs8 = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey))))
  const pem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----`
  const jwk = await crypto.subtle.exportKey('jwk', publicKey)
  return { JWT_PRIVATE_KEY: pem.replace(/\n/g, ' '), JWKS: JSON.stringify({ keys: [{ use: 'sig', ...jwk }] }), SITE_URL: 'http://localhost:5173', AUTH_GITHUB_ID: 'test-client-id', AUTH_GITHUB_SECRET: 'test-client-secret' }
}
