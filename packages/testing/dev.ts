// `npx vueuse-convex dev [convexDir]`: a local backend for development, with no account and no
// network. The app's `convex/` is bundled with the esbuild that `convex` itself bundles functions
// with, run in memory by the same backend as the tests, served on fixed loopback ports, deployed
// again on every save (clients stay connected) and its data kept in a file across restarts.
import type { BackendData } from './_internal/backend'
import type { TestConvexServer } from './node'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, watch, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { TestBackend } from './_internal/backend'
import { codegen, usedComponents } from './codegen'
import { serveTestConvex } from './node'

/** Options of {@link startDevBackend}. */
export interface DevBackendOptions {
  /** The functions folder. @default 'convex' */
  convexDir?: string
  /** The project folder (where `package.json` and `node_modules` are). @default process.cwd() */
  cwd?: string
  /** Port of the deployment URL (`0`: any free one). @default 3210 (a local Convex backend's) */
  port?: number
  /** Port of the HTTP actions URL (`convex/http.ts`). @default 3211 */
  sitePort?: number
  /** Interface to listen on. It has no authentication: keep it on loopback. @default '127.0.0.1' */
  host?: string
  /** Where the data is kept across restarts (`false`: in memory only). @default '.vueuse-convex/data.json' */
  dataFile?: string | false
  /** Regenerate `convex/_generated` (offline) when modules are added or removed. @default true */
  codegen?: boolean
  /** Deploy again when a file in `convexDir` changes. @default true */
  watch?: boolean
  /** Where progress and errors are written. @default console.log / console.error */
  log?: (line: string, level: 'info' | 'error') => void
}

/** A running local backend. */
export interface DevBackend {
  /** The URL for `VITE_CONVEX_URL` / `NUXT_PUBLIC_CONVEX_URL` (`undefined` until the functions first build). */
  readonly url: string | undefined
  /** The HTTP actions URL (`convex/http.ts`). */
  readonly siteUrl: string | undefined
  /** The backend, once the functions first built. */
  readonly backend: TestBackend | undefined
  /** Resolves after the next deploy that follows a change (or its failure, reported by `log`). */
  nextDeploy: () => Promise<'deployed' | 'failed'>
  /** Saves the data, stops watching and serving. */
  close: () => Promise<void>
}

const ENTRY = /\.(?:[cm]?[jt]s|[jt]sx)$/

/** The files a deployment bundles (Convex's own rules), plus schema, auth config and `_generated`. */
function moduleFiles(dir: string, base = dir): string[] {
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

/** esbuild, from the `convex` package that the app installed (Convex bundles functions with it). */
async function loadEsbuild(cwd: string): Promise<{ build: (options: object) => Promise<unknown> }> {
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

function formatBuildError(e: unknown, cwd: string): string {
  const errors = (e as { errors?: EsbuildMessage[] }).errors
  if (!errors?.length)
    return (e as Error).message
  return errors.map(({ text, location }) => location
    ? `${location.file}:${location.line}:${location.column + 1}: ${text}\n    ${location.lineText}`
    : text).join('\n').replaceAll(`${cwd}${sep}`, '')
}

/**
 * Starts a local backend for development: the app's `convex/` functions in memory, served as a
 * deployment at `http://127.0.0.1:3210` (sync protocol, HTTP API, storage) and its
 * `convex/http.ts` at `:3211`. Saving a file deploys the functions again; the data is kept in
 * `.vueuse-convex/data.json` across restarts. For development only: it has no authentication.
 *
 * @example
 * const dev = await startDevBackend({ convexDir: 'convex' })
 * console.log(dev.url) // http://127.0.0.1:3210
 */
export async function startDevBackend(options: DevBackendOptions = {}): Promise<DevBackend> {
  const {
    convexDir = 'convex',
    cwd = process.cwd(),
    port = 3210,
    sitePort = 3211,
    host = '127.0.0.1',
    dataFile = join('.vueuse-convex', 'data.json'),
    codegen: regenerate = true,
    watch: watching = true,
    // eslint-disable-next-line no-console -- a command's output
    log = (line, level) => (level === 'error' ? console.error : console.log)(line),
  } = options
  const dir = resolve(cwd, convexDir)
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`No Convex functions folder at ${dir}: create it (e.g. convex/messages.ts) or pass its path: npx vueuse-convex dev ./src/convex`)
  const dataPath = dataFile === false ? undefined : resolve(cwd, dataFile)
  const esbuild = await loadEsbuild(cwd)
  // Bundles go inside the project, so that the packages they import resolve from its node_modules.
  const buildRoot = join(cwd, 'node_modules', '.vueuse-convex', `dev-${process.pid}`)
  rmSync(buildRoot, { recursive: true, force: true })
  let builds = 0
  let lastFiles = ''
  let backend: TestBackend | undefined
  let server: TestConvexServer | undefined
  let saved = Promise.resolve()
  let saveQueued = false
  const waiting: Array<(outcome: 'deployed' | 'failed') => void> = []

  function save() {
    if (!dataPath || !backend || saveQueued)
      return
    saveQueued = true
    saved = saved.then(async () => {
      // A burst of writes is saved once.
      await new Promise(resolve => setTimeout(resolve, 50))
      saveQueued = false
      const data = await backend!.exportData()
      mkdirSync(dirname(dataPath), { recursive: true })
      writeFileSync(`${dataPath}.tmp`, JSON.stringify(data))
      renameSync(`${dataPath}.tmp`, dataPath)
    }).catch(e => log(`Could not save the data to ${relative(cwd, dataPath)}: ${(e as Error).message}`, 'error'))
  }

  /** Bundles and imports the functions; throws a readable message when they are broken. */
  async function load() {
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
    const modules: Record<string, () => Promise<any>> = {}
    const loaded: Record<string, any> = {}
    for (const file of files) {
      const key = `./convex/${file.split(sep).join('/')}`
      const url = pathToFileURL(join(outdir, file.replace(/\.[^.]+$/, '.mjs'))).href
      try {
        loaded[key] = await import(url)
      }
      catch (e) {
        throw new Error(`${relative(cwd, join(dir, file))} failed when loaded: ${(e as Error).stack ?? e}`)
      }
      modules[key] = async () => loaded[key]
    }
    const schemaKey = Object.keys(loaded).find(key => /^\.\/convex\/schema\.[cm]?[jt]s$/.test(key))
    return { schema: schemaKey ? loaded[schemaKey].default : undefined, modules }
  }

  async function components(): Promise<Record<string, any>> {
    const config = ['convex.config.ts', 'convex.config.js'].map(file => join(dir, file)).find(existsSync)
    if (!config)
      return {}
    const require = createRequire(join(dir, 'package.json'))
    const result: Record<string, any> = {}
    for (const component of usedComponents(readFileSync(config, 'utf8'), dir)) {
      const entry = `${component.from.replace(/\/convex\.config(?:\.js)?$/, '')}/test`
      try {
        result[component.name] = (await import(pathToFileURL(require.resolve(entry)).href)).default
      }
      catch {
        throw new Error(`The component "${component.name}" (${component.from}) has no test entry (${entry}) to run it in memory.`)
      }
    }
    return result
  }

  async function deploy(): Promise<'deployed' | 'failed'> {
    try {
      const functions = await load()
      if (!backend) {
        backend = new TestBackend({ ...functions, components: await components(), onWrite: save })
        if (dataPath && existsSync(dataPath))
          backend.importData(JSON.parse(readFileSync(dataPath, 'utf8')) as BackendData)
        server = await serveTestConvex(backend, { port, sitePort, host })
        const env = `VITE_CONVEX_URL=${server.url}`
        log([
          `vueuse-convex dev: your ${relative(cwd, dir) || '.'}/ functions, in memory, for development only (no account, no network, no authentication).`,
          `  ${env}`,
          `    (Nuxt: NUXT_PUBLIC_CONVEX_URL=${server.url})`,
          `  HTTP actions (convex/http.ts): ${server.siteUrl}`,
          dataPath ? `  Data: ${relative(cwd, dataPath)}, kept across restarts (add ${relative(cwd, dirname(dataPath))}/ to .gitignore)` : '  Data: in memory only',
          host === '127.0.0.1' || host === 'localhost' || host === '::1' ? '' : `  Listening on ${host}: anyone who reaches it can read and write the data.`,
          watching ? `Watching ${relative(cwd, dir) || '.'}/ for changes. Ctrl+C to stop.` : '',
        ].filter(Boolean).join('\n'), 'info')
      }
      else {
        await backend.deploy(functions)
        log(`Deployed ${relative(cwd, dir) || '.'}/ again (${new Date().toLocaleTimeString()}).`, 'info')
      }
      return 'deployed'
    }
    catch (e) {
      log(`${(e as Error).message}\n${backend ? 'The previous functions keep serving. ' : ''}Fix it and save: it deploys again.`, 'error')
      return 'failed'
    }
  }

  let deploying: Promise<unknown> = deploy()
  await deploying
  let timer: ReturnType<typeof setTimeout> | undefined
  const watcher = watching
    ? watch(dir, { recursive: true }, (_event, file) => {
        if (!file || String(file).startsWith('_generated') || /(?:^|[/\\])\./.test(String(file)))
          return
        clearTimeout(timer)
        timer = setTimeout(() => {
          deploying = deploying.then(deploy).then(outcome => waiting.splice(0).forEach(resolve => resolve(outcome)))
        }, 100)
      })
    : undefined

  return {
    get url() {
      return server?.url
    },
    get siteUrl() {
      return server?.siteUrl
    },
    get backend() {
      return backend
    },
    nextDeploy: () => new Promise(resolve => waiting.push(resolve)),
    async close() {
      watcher?.close()
      clearTimeout(timer)
      await deploying
      save()
      await saved
      await server?.close()
      backend?.close()
      rmSync(buildRoot, { recursive: true, force: true })
    },
  }
}
