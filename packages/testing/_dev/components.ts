// The components of `vueuse-convex dev`: the ones the app's `convex.config.ts` uses, each loaded
// from its package's `/test` entry (what `convex-test` registers a component with) as Convex's
// bundler would load it — TypeScript, `import.meta.glob` (a map of lazy imports) and `.wasm`
// imports (a compiled `WebAssembly.Module`; Convex Auth 2 hashes passwords so) — through the
// esbuild the functions are bundled with. The entry's own helper (`register`, `registerPassword`)
// registers the components it nests.
import type { TestComponent } from '../_internal/backend'
import type { Esbuild } from './builder'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { usedComponents } from '../codegen'

/** What {@link loadComponents} needs. */
export interface ComponentsOptions {
  /** The functions folder (with `convex.config.ts`). */
  dir: string
  /** The project folder. */
  cwd: string
  esbuild: Esbuild
  /** Where the bundles go. */
  outdir: string
  /** Runs a module's evaluation with the deployment's environment. @default (load) => load() */
  evaluate?: <T>(load: () => T) => T
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, none included.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    }
    else if (c === '*') {
      source += '[^/]*'
    }
    else if (c === '?') {
      source += '[^/]'
    }
    else if (c === '{') {
      const end = glob.indexOf('}', i)
      source += `(?:${glob.slice(i + 1, end).split(',').map(part => part.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`
      i = end
    }
    else {
      source += c.replace(/[.+^$()|[\]\\]/, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}

/** Files under `root`, as paths relative to it with `/`. */
function walk(root: string, base = root): string[] {
  if (!existsSync(root))
    return []
  return readdirSync(root, { withFileTypes: true }).flatMap(entry => entry.name === 'node_modules'
    ? []
    : entry.isDirectory()
      ? walk(join(root, entry.name), base)
      : [relative(base, join(root, entry.name)).split(sep).join('/')])
}

/**
 * `import.meta.glob(patterns)` of the file in `fromDir`, as Vite expands it: an object of lazy
 * imports keyed by the path as the pattern writes it (`'../component/x.ts': () => import(...)`).
 */
export function expandGlob(patterns: string[], fromDir: string): string {
  const positive = patterns.filter(p => !p.startsWith('!'))
  const negative = patterns.filter(p => p.startsWith('!')).map(p => globToRegExp(p.slice(1)))
  const keys = new Set<string>()
  for (const pattern of positive) {
    // Walk from the pattern's fixed part (`../component/`), match the rest.
    const fixed = pattern.split('/').findIndex(part => /[*?{]/.test(part))
    const base = pattern.split('/').slice(0, fixed === -1 ? undefined : fixed).join('/')
    const matcher = globToRegExp(pattern)
    for (const file of walk(resolve(fromDir, base))) {
      const key = `${base}/${file}`
      if (matcher.test(key) && !negative.some(n => n.test(key)))
        keys.add(key.startsWith('.') ? key : `./${key}`)
    }
  }
  return `{${[...keys].sort().map(key => `${JSON.stringify(key)}: () => import(${JSON.stringify(key)})`).join(', ')}}`
}

/** `import.meta.glob("…")` / `import.meta.glob(["…", "!…"])`, with its patterns. */
const GLOB = /import\.meta\.glob\(\s*(\[[^\]]*\]|"[^"]*"|'[^']*')\s*(?:,\s*\{[^}]*\}\s*)?\)/g

/** esbuild plugins for what Convex's bundler (and Vite) give a component's code: `import.meta.glob` and `.wasm` modules. */
export function bundlerPlugins(): object[] {
  return [{
    name: 'vueuse-convex-import-meta-glob',
    setup(build: any) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args: { path: string }) => {
        const source = await readFile(args.path, 'utf8')
        if (!source.includes('import.meta.glob'))
          return undefined
        const contents = source.replace(GLOB, (_all, list: string) => {
          // eslint-disable-next-line no-new-func -- the patterns are a literal of the component's source
          const patterns = ([] as string[]).concat(new Function(`return ${list}`)())
          return expandGlob(patterns, dirname(args.path))
        })
        return { contents, loader: /\.[cm]?tsx?$/.test(args.path) ? 'ts' : 'js', resolveDir: dirname(args.path) }
      })
    },
  }, {
    name: 'vueuse-convex-wasm',
    setup(build: any) {
      // `import wasm from './x.wasm'` gives a compiled module, as Convex's bundler does.
      build.onResolve({ filter: /\.wasm$/ }, (args: { path: string, resolveDir: string, namespace: string }) => args.namespace === 'wasm-module'
        ? { path: args.path, namespace: 'wasm-bytes' }
        : { path: resolve(args.resolveDir, args.path), namespace: 'wasm-module' })
      build.onLoad({ filter: /.*/, namespace: 'wasm-module' }, (args: { path: string }) => ({
        contents: `import bytes from ${JSON.stringify(args.path)}\nexport default new WebAssembly.Module(bytes)\n`,
      }))
      build.onLoad({ filter: /.*/, namespace: 'wasm-bytes' }, async (args: { path: string }) => ({ contents: await readFile(args.path), loader: 'binary' }))
    },
  }]
}

/**
 * The components `dir`'s `convex.config.ts` uses, by name: each package's `/test` entry, bundled
 * (everything but `convex` and `convex-test`, which stay shared with the app) and loaded.
 * Throws, with the real error, when an entry is missing or fails to build or load.
 */
export async function loadComponents(options: ComponentsOptions): Promise<Record<string, TestComponent | { default: TestComponent }>> {
  const { dir, cwd, esbuild, outdir, evaluate = load => load() } = options
  const config = ['convex.config.ts', 'convex.config.js'].map(file => join(dir, file)).find(existsSync)
  if (!config)
    return {}
  const require = createRequire(join(dir, 'package.json'))
  const result: Record<string, TestComponent | { default: TestComponent }> = {}
  for (const component of usedComponents(readFileSync(config, 'utf8'), dir)) {
    const entry = `${component.from.replace(/\/convex\.config(?:\.js)?$/, '')}/test`
    const what = `The component "${component.name}" (${component.from})`
    let file: string
    try {
      file = require.resolve(entry)
    }
    catch (e) {
      throw new Error(`${what} has no test entry (${entry}) to run it in memory: ${(e as Error).message.split('\n')[0]}`)
    }
    const out = join(outdir, component.name)
    try {
      await esbuild.build({
        entryPoints: { entry: file },
        outdir: out,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        // What this Node runs (esbuild's default, esnext, decodes .wasm bytes with Uint8Array.fromBase64).
        target: `node${process.versions.node}`,
        external: ['convex', 'convex/*', 'convex-test'],
        sourcemap: 'inline',
        outExtension: { '.js': '.mjs' },
        logLevel: 'silent',
        absWorkingDir: cwd,
        plugins: bundlerPlugins(),
      })
    }
    catch (e) {
      const errors = (e as { errors?: Array<{ text: string, location?: { file: string, line: number } | null }> }).errors
      const text = errors?.length ? errors.map(({ text, location }) => location ? `${location.file}:${location.line}: ${text}` : text).join('\n') : (e as Error).message
      throw new Error(`${what}: its test entry (${entry}) does not build:\n${text}`)
    }
    try {
      result[component.name] = await evaluate(() => import(pathToFileURL(join(out, 'entry.mjs')).href))
    }
    catch (e) {
      throw new Error(`${what}: its test entry (${entry}) failed when loaded: ${(e as Error).stack ?? e}`)
    }
  }
  return result
}
