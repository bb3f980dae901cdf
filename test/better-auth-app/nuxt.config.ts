// A Nuxt app signing in with Better Auth, whose routes it serves from its own origin
// (server/api/auth/[...all].ts forwards them to the Convex deployment's site URL), so its
// cookies are first-party and the server render reads the Convex JWT from them.
export default defineNuxtConfig({
  modules: ['@vueuse-convex/nuxt'],
  runtimeConfig: {
    // The deployment's site URL, where @convex-dev/better-auth's routes are (NUXT_CONVEX_SITE_URL).
    convexSiteUrl: '',
  },
  devtools: { enabled: false },
  telemetry: false,
  compatibilityDate: '2025-07-01',
})
