import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['index.ts', 'vite.ts', 'async-local-storage.ts', 'node.ts', 'codegen.ts', 'codegen-cli.ts', 'dev.ts', 'cli-bin.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'neutral',
  // Peers and convex-test stay imports; node:async_hooks is aliased in browsers (see vite.ts).
  deps: { neverBundle: [/^vue$/, /^@vueuse-convex\//, /^@vueuse\//, /^convex(\/|$)/, /^convex-test$/, /^node:/, /^ws$/] },
})
