import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['index.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'neutral',
  // Peer dependencies stay imports: the app brings its own vue, @vueuse/core and convex.
  deps: { neverBundle: [/^vue$/, /^@vueuse\//, /^convex(\/|$)/] },
})
