import { defineConfig } from 'tsdown'

export default defineConfig({
  // loaders.ts: defineConvexLoader, on its own so that the package never imports vue-router.
  entry: ['index.ts', 'loaders.ts', 'convex-auth.ts', 'convex-auth-server.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'neutral',
  // Peer dependencies stay imports: the app brings its own vue, @vueuse/core, convex and vue-router.
  deps: { neverBundle: [/^vue$/, /^@vueuse\//, /^convex(\/|$)/, /^vue-router(\/|$)/, /^@convex-dev\/auth(\/|$)/] },
})
