import { defineConfig } from 'tsdown'

export default defineConfig({
  // The runtime plugin ships as its own file: Nuxt bundles it into the app.
  entry: ['src/module.ts', 'src/runtime/plugin.ts', 'src/runtime/convexAuth.ts', 'src/runtime/loaders.ts', 'src/runtime/middleware/auth.ts', 'src/runtime/server/convex.ts', 'src/runtime/server/errors.ts', 'src/runtime/server/convexAuth.ts', 'src/runtime/server/convexAuthRoutes.ts', 'src/runtime/server/convexAuthSession.ts', 'src/runtime/server/cookieSession.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'node',
  unbundle: true,
  deps: { neverBundle: [/^@nuxt\//, /^nuxt(\/|$)/, /^@vueuse-convex\//, /^convex(\/|$)/, /^vue$/, /^vue-router(\/|$)/, /^#imports$/, /^@convex-dev\/auth(\/|$)/] },
})
