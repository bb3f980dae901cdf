import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// Browser tests of the built docs site and the Nuxt playground (npm run test:browser).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@vueuse-convex\/testing\/(.*)$/, replacement: `${r('./packages/testing')}/$1.ts` },
      { find: /^@vueuse-convex\/testing$/, replacement: r('./packages/testing/index.ts') },
      { find: /^@vueuse-convex\/core$/, replacement: r('./packages/core/index.ts') },
    ],
  },
  test: {
    environment: 'node',
    include: ['docs/e2e/**/*.e2e.ts', 'packages/*/test/**/*.e2e.ts'],
    globalSetup: ['docs/e2e/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})
