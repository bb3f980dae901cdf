import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['index.ts', 'vite.ts', 'async-local-storage.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'neutral',
  external: [/^vue$/, /^@vueuse/, /^convex(\/|$)/, /^convex-test$/, /^node:/],
})
