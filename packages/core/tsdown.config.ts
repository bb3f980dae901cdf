import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['index.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'neutral',
  external: [/^vue$/, /^@vueuse\//, /^convex(\/|$)/],
})
