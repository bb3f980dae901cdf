import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The query that marks a module this plugin loads (a `.wasm` file, or a dependency importing one). */
const TAG = 'vueuse-convex-wasm'
const TAGGED = new RegExp(`[?&]${TAG}$`)
/** A static or dynamic import of a `.wasm` file. */
const IMPORTS_WASM = /(?:\bfrom\s*|\bimport\s*(?:\(\s*)?)["'][^"']+\.wasm["']/

/** The part of Vite's plugin context `resolveId` uses (typed here: Vite itself is not a dependency). */
interface ResolveContext {
  resolve: (source: string, importer?: string, options?: { skipSelf?: boolean }) => Promise<{ id: string, external?: boolean | 'absolute' | 'relative' } | null>
}

/**
 * Vite (and Vitest) plugin that loads what your Convex functions import the way Convex's own
 * bundler does: `import wasm from './x.wasm'` gives a compiled `WebAssembly.Module`. Convex
 * Auth 2's password hashing (`password-hash-wasm`) imports one. Vitest loads dependencies with
 * Node, which cannot import `.wasm`: a dependency that imports one is loaded through Vite instead.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ plugins: [vue(), convexFunctions()], test: { environment: 'happy-dom' } })
 */
export function convexFunctions() {
  /** Whether a dependency's file imports a `.wasm` file itself, by path. */
  const importsWasm = new Map<string, boolean>()
  const importsWasmFile = (file: string) => {
    let found = importsWasm.get(file)
    if (found === undefined) {
      try {
        found = IMPORTS_WASM.test(readFileSync(file, 'utf8'))
      }
      catch {
        found = false
      }
      importsWasm.set(file, found)
    }
    return found
  }
  return {
    name: 'vueuse-convex:functions',
    enforce: 'pre' as const,
    config(user: object) {
      // Vitest runs modules whose id carries the tag through Vite (the rest of node_modules: Node).
      const inline = (user as { test?: { server?: { deps?: { inline?: unknown } } } }).test?.server?.deps?.inline
      return (inline === true ? {} : { test: { server: { deps: { inline: [TAGGED] } } } }) as Record<string, never>
    },
    async resolveId(this: ResolveContext, source: string, importer: string | undefined, options?: object) {
      if (!importer || source.startsWith('\0') || TAGGED.test(source))
        return null
      const isWasm = /\.wasm$/.test(source)
      // Only imports that may lead to a .wasm file: a .wasm file itself, or a dependency.
      if (!isWasm && (source.startsWith('.') || source.startsWith('/')) && !importer.includes('/node_modules/'))
        return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      if (!resolved || resolved.external || resolved.id.includes('?'))
        return resolved
      if (isWasm ? resolved.id.endsWith('.wasm') : resolved.id.includes('/node_modules/') && /\.[cm]?js$/.test(resolved.id) && importsWasmFile(resolved.id))
        return `${resolved.id}?${TAG}`
      return resolved
    },
    load(id: string) {
      if (!TAGGED.test(id) || !/\.wasm\?/.test(id))
        return null
      // As Convex's bundler: the default export is the compiled module (wasm-bindgen's init takes it).
      const base64 = readFileSync(id.replace(/\?.*$/, '')).toString('base64')
      return `export default await WebAssembly.compile(Uint8Array.from(atob(${JSON.stringify(base64)}), c => c.charCodeAt(0)))\n`
    },
  }
}

/**
 * Vite plugin that lets `@vueuse-convex/testing` (and convex-test) run in a browser bundle:
 * aliases `node:async_hooks` to a small polyfill, defines `global` and keeps `process.env` (the backend's
 * variables, which Vite's build would replace with `{}`); `.wasm` imports load as
 * with {@link convexFunctions}.
 *
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [vue(), convexTestingBrowser()] })
 */
export function convexTestingBrowser() {
  const polyfill = fileURLToPath(new URL('./async-local-storage.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js')
  return [
    {
      name: 'vueuse-convex:testing-browser',
      enforce: 'pre' as const,
      config(_: unknown, { command }: { command: string }) {
        // Vite's build replaces `process.env` with `{}` in a page; functions read the backend's
        // variables there at call time (Convex Auth's CONVEX_CLOUD_URL), so it stays the page's
        // object (the backend puts one there). The dev server leaves `process.env` alone.
        const env = 'globalThis.process.env'
        return {
          define: {
            global: 'globalThis',
            ...command === 'build' && { 'process.env': env, 'global.process.env': env, 'globalThis.process.env': env },
          },
          resolve: { alias: [{ find: /^(node:)?async_hooks$/, replacement: polyfill }] },
          optimizeDeps: { exclude: ['convex-test'] },
        }
      },
    },
    convexFunctions(),
  ]
}
