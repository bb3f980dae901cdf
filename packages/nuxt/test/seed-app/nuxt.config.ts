// The useConvexAction seed's client-side examples, each pasted verbatim into a page of its own
// (seed.test.ts checks them against test/fixtures/seed/useConvexAction.md), with this app's
// convex/ folder auto-imported as a user's would be. `npm run build:playground` builds and
// type-checks it; seed.e2e.ts renders each page on the server and runs it in Chromium.
// No `convex.url`: the module reads NUXT_PUBLIC_CONVEX_URL itself (here at run time, set by the test).
export default defineNuxtConfig({
  modules: ['../../src/module'],
  alias: {
    // The workspace's sources, so the app needs no build of the packages (a URL, not
    // node:url's fileURLToPath, to keep this file free of Node's types).
    '@vueuse-convex/core': decodeURI(new URL('../../../core/index.ts', import.meta.url).pathname),
  },
  // Core's sources import @vueuse/core themselves (an app's installed @vueuse-convex/core is
  // pre-bundled with it): seed-dev.e2e.ts checks that Vite discovers nothing on the first load.
  vite: { optimizeDeps: { include: ['@vueuse/core'] } },
  devtools: { enabled: false },
  telemetry: false,
  compatibilityDate: '2025-07-01',
})
