import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { configDefaults, defineConfig } from 'vitest/config'
import { convexFunctions } from './packages/testing/vite'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/** The workspace packages resolved to their sources (the browser tests' config uses them too). */
export const workspaceAliases = [
  { find: /^@vueuse-convex\/testing\/(.*)$/, replacement: `${r('./packages/testing')}/$1.ts` },
  { find: /^@vueuse-convex\/testing$/, replacement: r('./packages/testing/index.ts') },
  { find: /^@vueuse-convex\/core$/, replacement: r('./packages/core/index.ts') },
  { find: /^@vueuse-convex\/core\/loaders$/, replacement: r('./packages/core/loaders.ts') },
  { find: /^@vueuse-convex\/core\/convex-auth$/, replacement: r('./packages/core/convex-auth.ts') },
  { find: /^@vueuse-convex\/core\/convex-auth-server$/, replacement: r('./packages/core/convex-auth-server.ts') },
]

export default defineConfig({
  // convexFunctions: .wasm imports load as Convex's bundler loads them (Convex Auth's hashing).
  plugins: [vue(), convexFunctions()],
  resolve: {
    alias: workspaceAliases,
  },
  test: {
    environment: 'happy-dom',
    // A budget that catches a hang, not a measure of speed: CI runs the suite a second time
    // beside two CPU-bound processes (scripts/cpu-load.ts), where 5 s is not enough for some.
    testTimeout: 30_000,
    // Two files at a time even on two cores (Vitest's default there is one): many of them wait
    // on child processes, servers and sockets rather than compute.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['test/setup/wait-for.ts'],
    hookTimeout: 30_000,
    // Leak tests force garbage collection (WeakRef + gc()).
    execArgv: ['--expose-gc'],
    include: ['packages/**/*.test.ts', 'docs/**/*.test.ts', 'test/**/*.test.ts'],
    // The Better Auth fixture app has its own dependencies and config: npm run test:better-auth.
    exclude: [...configDefaults.exclude, 'test/better-auth-app/**'],
    typecheck: {
      enabled: true,
      include: ['packages/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
      checker: 'vue-tsc',
    },
    server: { deps: { inline: ['convex-test'] } },
  },
})
