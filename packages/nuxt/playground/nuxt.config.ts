// A real Nuxt app on the module, rendered on the server and driven by Chromium in
// `npm run test:browser` against the docs' functions on the in-memory backend.
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const r = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineNuxtConfig({
  modules: ['../src/module'],
  convex: {
    // The URL comes at run time: NUXT_PUBLIC_CONVEX_URL, set by the test to its backend.
    url: '',
    // The user's token lives in this cookie (here set by the test; in a real app by your
    // sign-in), for the page render, the browser and the server routes alike.
    auth: { cookie: 'convex-token', redirectTo: '/login' },
    // Vue Router's data loaders, for pages that export a defineConvexLoader loader.
    loaders: true,
  },
  alias: {
    // The workspace's sources, so the playground needs no build of the packages.
    // Before the package itself: an alias also matches the paths under it.
    '@vueuse-convex/core/loaders': r('../../core/loaders.ts'),
    '@vueuse-convex/core/convex-auth-server': r('../../core/convex-auth-server.ts'),
    '@vueuse-convex/core': r('../../core/index.ts'),
    '#convex': r('../../../docs/convex'),
  },
  // Off, except for packages/nuxt/test/devtools.e2e.ts, which drives its "Convex" tab under
  // `nuxi dev` (a test has no terminal to confirm Nuxt DevTools' authorization prompt in).
  devtools: { enabled: process.env.NUXT_DEVTOOLS === '1', disableAuthorization: true },
  telemetry: false,
  compatibilityDate: '2025-07-01',
})
