// @ts-check
import antfu from '@antfu/eslint-config'

export default antfu({
  vue: true,
  typescript: true,
  ignores: ['**/dist', '**/convex/_generated', 'bench/results.json', '.vitepress/cache', '.vitepress/dist', 'README.md'],
}, {
  // Library code must not print; tests, scripts and benchmarks may.
  files: ['packages/*/**/*.ts'],
  ignores: ['**/*.test.ts', '**/*.test-d.ts', 'packages/*/_test/**', 'packages/*/test/**'],
  rules: { 'no-console': 'error' },
})
