import { fileURLToPath } from 'node:url'

/**
 * Vite plugin that lets `@vueuse-convex/testing` (and convex-test) run in a browser bundle:
 * aliases `node:async_hooks` to a small polyfill and defines `global`.
 *
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [vue(), convexTestingBrowser()] })
 */
export function convexTestingBrowser() {
  const polyfill = fileURLToPath(new URL('./async-local-storage.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js')
  return {
    name: 'vueuse-convex:testing-browser',
    enforce: 'pre' as const,
    config() {
      return {
        define: { global: 'globalThis' },
        resolve: { alias: [{ find: /^(node:)?async_hooks$/, replacement: polyfill }] },
        optimizeDeps: { exclude: ['convex-test'] },
      }
    },
  }
}
