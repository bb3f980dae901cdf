// A Nuxt app signing in with Convex Auth (useConvexAuthActions) against Convex Auth's own
// functions (packages/testing/test/convex-auth), built by `npm run test:browser` and driven in
// Chromium by convex-auth.e2e.ts: sign up, reload (rendered signed in on the server), sign out.
import { fileURLToPath } from 'node:url'

const r = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineNuxtConfig({
  modules: ['../../src/module'],
  convex: {
    url: '', // NUXT_PUBLIC_CONVEX_URL, set by the test to its backend
    // The JWT Convex Auth keeps in localStorage is mirrored in this cookie for the server render.
    auth: { cookie: 'convex-auth-jwt' },
  },
  alias: {
    '@vueuse-convex/core': r('../../../core/index.ts'),
    '#convex': r('../../../testing/test/convex-auth/convex'),
  },
  devtools: { enabled: false },
  telemetry: false,
  compatibilityDate: '2025-07-01',
})
