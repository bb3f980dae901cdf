import { convexFunctions } from '@vueuse-convex/testing/vite'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [convexFunctions()],
  test: {
    environment: 'node',
    globalSetup: ['tests/backend.ts'],
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Run through Vite: convex-test, and @convex-dev/better-auth's /test entry (TypeScript with
    // import.meta.glob, as component test entries are).
    server: { deps: { inline: ['convex-test', '@convex-dev/better-auth'] } },
  },
})
