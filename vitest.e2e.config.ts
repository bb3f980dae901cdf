import { defineConfig } from 'vitest/config'

// Browser tests of the built docs site (npm run test:browser).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['docs/e2e/**/*.e2e.ts'],
    globalSetup: ['docs/e2e/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})
