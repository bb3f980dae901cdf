// A Nuxt app signing in with Convex Auth 2 against Convex Auth's own functions
// (packages/testing/test/convex-auth), built by `npm run test:browser` and driven in Chromium by
// convex-auth.e2e.ts: the module mounts Convex Auth's routes (the refresh token in an httpOnly
// cookie) and reads the session for the server render, the convex-auth middleware and server routes.
import { fileURLToPath } from 'node:url'

const r = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineNuxtConfig({
  modules: ['../../src/module'],
  convex: {
    url: '', // NUXT_PUBLIC_CONVEX_URL, set by the test to its backend
    auth: {
      // The functions of convex/auth.ts that start a session, which the sign-in route may call.
      convexAuth: { signIn: ['auth:signInWithUsernamePassword', 'auth:signUpWithUsernamePassword'] },
    },
  },
  alias: {
    '@vueuse-convex/core/convex-auth-server': r('../../../core/convex-auth-server.ts'),
    '@vueuse-convex/core/convex-auth': r('../../../core/convex-auth.ts'),
    '@vueuse-convex/core': r('../../../core/index.ts'),
    '#convex': r('../../../testing/test/convex-auth/convex'),
  },
  devtools: { enabled: false },
  telemetry: false,
  compatibilityDate: '2025-07-01',
})
