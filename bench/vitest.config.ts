import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// `npm run bench`: one run of bench/run.bench.ts in happy-dom (the composables' browser path).
export default defineConfig({
  resolve: {
    alias: {
      '@vueuse-convex/core': r('../packages/core/index.ts'),
      '@vueuse-convex/testing': r('../packages/testing/index.ts'),
    },
  },
  test: {
    root: r('..'),
    environment: 'happy-dom',
    include: ['bench/run.bench.ts', 'bench/dev-*.bench.ts'],
    // The collector works on the main thread only: its parallel helpers wait for a core, and on
    // a shared machine a neighbour holds one at random, adding milliseconds to whichever timed
    // run a collection falls in. All garbage collection is still paid for, by the run making it.
    // Likewise a hot loop's on-stack replacement is compiled on the main thread, in the run
    // that triggers it, not on a helper that waits for a core.
    execArgv: ['--expose-gc', '--single-threaded-gc', '--no-concurrent-osr'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    server: { deps: { inline: ['convex-test'] } },
    silent: false,
  },
})
