// Bundle cost: what `import { X } from <package>` adds, minified and gzipped, to a production app
// that already has vue, convex and @vueuse/core (those stay external). Measured the way Vite
// builds an app: the package's published entry (its built `dist` for ours), bundled and
// tree-shaken by Rollup with `process.env.NODE_ENV` set to "production", then minified.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { transform } from 'esbuild'
import { rollup } from 'rollup'
import budgets from './budgets.json'

// @convex-dev/auth: an app that signs in with Convex Auth has it as its own dependency, as an
// app with data loaders has vue-router.
const EXTERNAL = /^(?:vue|vue-router|convex|@vueuse\/core|@vueuse\/shared|@convex-dev\/auth)(?:\/|$)/

/** The ESM entry a bundler picks for `specifier` (a package, or a subpath of one), resolved from `fromDir`. */
function entryOf(specifier: string, fromDir: string): string {
  const require = createRequire(join(fromDir, 'noop.js'))
  const parts = specifier.split('/')
  const name = parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
  const subpath = ['.', ...parts.slice(specifier.startsWith('@') ? 2 : 1)].join('/')
  // Not require.resolve(`${specifier}/package.json`): packages whose exports omit it would throw.
  const manifestPath = require.resolve.paths(name)!.map(dir => join(dir, name, 'package.json')).find(path => existsSync(path))
  if (!manifestPath)
    throw new Error(`${name} is not installed (looked from ${fromDir})`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  const dot = manifest.exports?.[subpath]
  const pick = (target: any): string | undefined => typeof target === 'string'
    ? target
    : target && (pick(target.import) ?? pick(target.module) ?? pick(target.default))
  const file = pick(dot) ?? manifest.module ?? manifest.main
  return join(dirname(manifestPath), file)
}

/** Minified + gzipped bytes of the named exports of `specifier` (all of them when `names` is `'*'`), lazy chunks included. */
export async function gzipBytes(specifier: string, names: string[] | '*', fromDir: string): Promise<number> {
  const chunks = await productionChunks(specifier, names, fromDir)
  return chunks.reduce((sum, code) => sum + gzipSync(code, { level: 9 }).length, 0)
}

/** The minified chunks of a production app that imports the named exports: the entry first, then any lazy chunk. */
export async function productionChunks(specifier: string, names: string[] | '*', fromDir: string): Promise<string[]> {
  const entry = entryOf(specifier, fromDir)
  const id = '\0size-entry'
  const bundle = await rollup({
    input: id,
    external: source => EXTERNAL.test(source),
    treeshake: { moduleSideEffects: 'no-external' },
    onwarn: () => {},
    plugins: [{
      name: 'size-entry',
      resolveId: source => (source === id ? id : null),
      load: source => source === id
        ? (names === '*' ? `export * from ${JSON.stringify(entry)}` : `export { ${names.join(', ')} } from ${JSON.stringify(entry)}`)
        : null,
    }, {
      // What Vite's `define` does for a production build.
      name: 'node-env',
      transform: code => code.replaceAll('process.env.NODE_ENV', '"production"'),
    }],
  })
  const { output } = await bundle.generate({ format: 'esm' })
  await bundle.close()
  const chunks = output.filter(o => o.type === 'chunk')
  return Promise.all(chunks.map(async chunk => (await transform(chunk.code, { minify: true, loader: 'js', format: 'esm' })).code))
}

/** Strings only the devtools code holds (the timeline layer's id, the registry's wording). */
const DEVTOOLS_MARKERS = ['vueuse-convex:calls', 'then rolled back', '@vue/devtools-api']

/**
 * What the Vue Devtools integration adds to a production app of all of core: the gzipped bytes
 * of every chunk that holds devtools code (its lazy chunk, or the entry if a marker survived).
 * The goal is 0: the plugin loads it behind `process.env.NODE_ENV !== 'production'`.
 */
export async function devtoolsBytesInProduction(root: string): Promise<number> {
  const chunks = await productionChunks('@vueuse-convex/core', '*', root)
  return chunks.filter(code => DEVTOOLS_MARKERS.some(marker => code.includes(marker))).reduce((sum, code) => sum + gzipSync(code, { level: 9 }).length, 0)
}

/**
 * CI budgets in bytes (min + gzip) for the exports a Vue + Convex app reaches for first, and for
 * all of core (bench/budgets.json, which the Performance page shows too); `npm run check:size`
 * fails over them (and when any export grows more than 5%). The closest peers' figures stand
 * beside ours on the Performance page.
 */
export const SIZE_BUDGETS: Record<string, number> = budgets

/**
 * Every function export of the built `@vueuse-convex/core` on its own, and the whole package
 * (`core`: `export *`). Needs `npm run build` first.
 */
export async function coreSizes(root: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {}
  // The package and its subpath entries (`@vueuse-convex/core/convex-auth`, say): each export on its own.
  const manifest = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { exports: Record<string, unknown> }
  const specifiers = Object.entries(manifest.exports).filter(([, target]) => typeof target === 'object').map(([subpath]) => `@vueuse-convex/core${subpath.slice(1)}`)
  for (const specifier of specifiers) {
    const built = await import(entryOf(specifier, root)) as Record<string, unknown>
    for (const name of Object.keys(built).filter(k => typeof built[k] === 'function').sort())
      sizes[name] = await gzipBytes(specifier, [name], root)
  }
  sizes.core = await gzipBytes('@vueuse-convex/core', '*', root)
  return sizes
}
