// @ts-check
import antfu from '@antfu/eslint-config'

export default antfu({
  vue: true,
  typescript: true,
  ignores: ['**/dist', '**/convex/_generated', '**/convex/**/_generated', 'packages/testing/test/components-*/convex', 'packages/testing/test/components-*/example', 'packages/testing/test/components-*/src', 'bench/results.json', '.vitepress/cache', '.vitepress/dist', 'README.md', 'test/fixtures/seed', 'packages/nuxt/test/seed-app/app/pages'],
}, {
  // Library code must not print; tests, scripts and benchmarks may.
  files: ['packages/*/**/*.ts'],
  ignores: ['**/*.test.ts', '**/*.test-d.ts', 'packages/*/_test/**', 'packages/*/test/**'],
  rules: { 'no-console': 'error' },
}, {
  // The browser library marks development-only code with \`process.env.NODE_ENV\`, which the
  // app's bundler replaces; importing node:process there would break that.
  files: ['packages/core/**/*.ts'],
  rules: { 'node/prefer-global/process': 'off' },
}, {
  // The compatibility matrix's consumer app runs its server-render check as a Node script.
  files: ['test/compat/app/smoke.mjs'],
  rules: { 'no-console': 'off', 'antfu/no-top-level-await': 'off' },
})
