import { defineConfig } from 'vitest/config'
import { convexFunctions } from './packages/testing/vite'
import { workspaceAliases } from './vitest.config'

// Browser tests of the built docs site and the Nuxt playground (npm run test:browser).
export default defineConfig({
  resolve: { alias: workspaceAliases },
  // Convex Auth 2's password hashing imports .wasm, loaded as Convex's bundler loads it.
  plugins: [convexFunctions()],
  test: {
    environment: 'node',
    include: ['docs/e2e/**/*.e2e.ts', 'packages/*/test/**/*.e2e.ts'],
    globalSetup: ['docs/e2e/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})
