// The builder of `vueuse-convex dev`: lists the modules a deployment bundles, bundles them with the
// esbuild of the app's own `convex` package (what `npx convex dev` bundles with) and imports the
// result, so that the backend gets the schema and the modules of one build.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, sep } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { codegen } from '../codegen'

const ENTRY = /\.(?:[cm]?[jt]s|[jt]sx)$/

/** The files a deployment bundles (Convex's own rules), plus schema, auth config and `_generated`. */
export function moduleFiles(dir: string, base = dir): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const rel = relative(base, path)
    if (entry.name.startsWith('.') || entry.name.startsWith('#') || entry.name === 'node_modules')
      continue
    if (entry.isDirectory()) {
      // A folder with its own convex.config.ts defines a component, deployed on its own.
      if (!existsSync(join(path, 'convex.config.ts')))
        files.push(...moduleFiles(path, base))
      continue
    }
    if (!ENTRY.test(entry.name) || /\.d\.[cm]?ts$/.test(entry.name) || rel.includes(' '))
      continue
    if (rel.startsWith(`_generated${sep}`)) {
      files.push(rel)
      continue
    }
    const dots = entry.name.split('.').length - 1
    if (dots === 1 || /^(?:schema|auth\.config)\.[cm]?[jt]s$/.test(entry.name))
      files.push(rel)
  }
  return files.sort()
}

interface EsbuildMessage { text: string, location?: { file: string, line: number, column: number, lineText: string } | null }

/** The part of esbuild's API the builder uses. */
export interface Esbuild { build: (options: object) => Promise<unknown> }

/** esbuild, from the `convex` package that the app installed (Convex bundles functions with it). */
export async function loadEsbuild(cwd: string): Promise<Esbuild> {
  const require = createRequire(join(cwd, 'package.json'))
  let convexPackage: string
  try {
    convexPackage = require.resolve('convex/package.json')
  }
  catch {
    throw new Error(`The convex package is not installed in ${cwd}: run npm install convex first.`)
  }
  const esbuild = await import(pathToFileURL(createRequire(convexPackage).resolve('esbuild')).href)
  return esbuild.build ? esbuild : esbuild.default
}

/** esbuild's errors as `file:line:column: text` lines, paths relative to `cwd`. */
export function formatBuildError(e: unknown, cwd: string): string {
  const errors = (e as { errors?: EsbuildMessage[] }).errors
  if (!errors?.length)
    return (e as Error).message
  return errors.map(({ text, location }) => location
    ? `${location.file}:${location.line}:${location.column + 1}: ${text}\n    ${location.lineText}`
    : text).join('\n').replaceAll(`${cwd}${sep}`, '')
}

/** Whether process `pid` runs (on this machine). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A new folder for the bundles of one run, in `cwd`'s `node_modules/.vueuse-convex/` (so that the
 * packages they import resolve from the app's node_modules), named for this process and unique
 * in it: a module of one run is never served to another (Node caches modules by URL). Folders of
 * runs whose process is gone (`kill -9`) are removed first.
 */
export function createBuildRoot(cwd: string): string {
  const parent = join(cwd, 'node_modules', '.vueuse-convex')
  mkdirSync(parent, { recursive: true })
  for (const name of readdirSync(parent)) {
    const pid = Number(/^dev-(\d+)(?:-|$)/.exec(name)?.[1])
    if (pid && pid !== process.pid && !alive(pid))
      rmSync(join(parent, name), { recursive: true, force: true })
  }
  return mkdtempSync(join(parent, `dev-${process.pid}-`))
}

/** What {@link createBuilder} needs. */
export interface BuilderOptions {
  /** The functions folder, absolute. */
  dir: string
  /** The functions folder as the user gave it (for codegen). */
  convexDir: string
  /** The project folder. */
  cwd: string
  /** Regenerate `_generated` when modules are added or removed. */
  regenerate: boolean
  /** Where the bundles go (inside the project, so that imports resolve from its node_modules). */
  buildRoot: string
  esbuild: Esbuild
}

/** One build of the functions: its modules' files (relative to the functions folder) and where they were bundled. */
export interface Bundle {
  files: string[]
  outdir: string
}

/** The modules of a build, by the key the backend takes (`./convex/notes.ts`). */
export type LoadedModules = Record<string, Record<string, any>>

/** A builder of the functions: bundles them, then loads a bundle's modules. */
export interface Builder {
  /** Bundles the functions (codegen first when modules were added or removed); throws a readable message when one does not build. */
  bundle: () => Promise<Bundle>
  /**
   * Imports the modules of `bundle` (`only`: those whose key it accepts) through `evaluate` (which
   * sets what they see as they load); throws, naming the module and why, when one fails to load.
   */
  load: (bundle: Bundle, evaluate: <T>(load: () => T) => T, only?: (key: string) => boolean) => Promise<LoadedModules>
}

/** The key the backend knows a module by (`./convex/notes.ts`). */
export function moduleKeyOf(file: string): string {
  return `./convex/${file.split(sep).join('/')}`
}

/** The schema among `modules` (`convex/schema.ts`'s default export). */
export function schemaOf(modules: LoadedModules): any {
  const key = Object.keys(modules).find(key => /^\.\/convex\/schema\.[cm]?[jt]s$/.test(key))
  return key ? modules[key].default : undefined
}

/** Why a module failed to load, in words: a package not installed says which and how to install it. */
function loadError(e: unknown, source: string, outdir: string, dir: string): string {
  const error = e as NodeJS.ErrnoException
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && /Cannot find package '([^']+)'/.exec(error.message)?.[1]
  if (missing)
    return `${source} imports the package "${missing}", which is not installed: npm install ${missing}`
  const text = String(error?.stack ?? e)
  // Bundled files are named for their sources (where a source map did not already say so).
  return `${source} failed when loaded: ${text.replaceAll(pathToFileURL(outdir).href, pathToFileURL(dir).href).replaceAll(outdir, dir)}`
}

/** A builder of `dir`'s functions. */
export function createBuilder(options: BuilderOptions): Builder {
  const { dir, convexDir, cwd, regenerate, buildRoot, esbuild } = options
  let builds = 0
  let lastFiles = ''
  return {
    async bundle() {
      const files = moduleFiles(dir)
      if (regenerate && files.join() !== lastFiles) {
        codegen(convexDir, cwd)
        files.splice(0, files.length, ...moduleFiles(dir))
      }
      lastFiles = files.join()
      if (!files.some(file => file.startsWith(`_generated${sep}`)))
        throw new Error(`${relative(cwd, dir)}/_generated is missing: run npx vueuse-convex codegen.`)
      const outdir = join(buildRoot, String(++builds))
      try {
        await esbuild.build({
          entryPoints: files.map(file => join(dir, file)),
          outbase: dir,
          outdir,
          bundle: true,
          splitting: true,
          format: 'esm',
          platform: 'node',
          target: `node${process.versions.node}`,
          packages: 'external',
          sourcemap: 'inline',
          outExtension: { '.js': '.mjs' },
          logLevel: 'silent',
          absWorkingDir: cwd,
        })
      }
      catch (e) {
        throw new Error(formatBuildError(e, cwd))
      }
      return { files, outdir }
    },
    async load(bundle, evaluate, only = () => true) {
      const loaded: LoadedModules = {}
      for (const file of bundle.files) {
        const key = moduleKeyOf(file)
        if (!only(key))
          continue
        const url = pathToFileURL(join(bundle.outdir, file.replace(/\.[^.]+$/, '.mjs'))).href
        try {
          loaded[key] = await evaluate(() => import(url))
        }
        catch (e) {
          throw new Error(loadError(e, relative(cwd, join(dir, file)), bundle.outdir, dir))
        }
      }
      return loaded
    },
  }
}
