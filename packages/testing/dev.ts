import type { Changes } from './_dev/watcher'
// `npx vueuse-convex dev [convexDir]`: a local backend for development, with no account and no
// network. The app's `convex/` is bundled with the esbuild that `convex` itself bundles functions
// with, run in memory by the same backend as the tests, served on fixed loopback ports, deployed
// again on every save (clients stay connected) and its data kept in a file across restarts.
import type { BackendData } from './_internal/backend'
import type { TestConvexServer } from './node'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import process from 'node:process'
import { createBuilder, createBuildRoot, loadEsbuild } from './_dev/builder'
import { loadComponents } from './_dev/components'
import { loadSigningKey } from './_dev/signingKey'
import { describeChanges, watchFunctions } from './_dev/watcher'
import { TestBackend } from './_internal/backend'
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

/**
 * Starts a local backend for development: the app's `convex/` functions in memory, served as a
 * deployment at `http://127.0.0.1:3210` (sync protocol, HTTP API, storage) and its
 * `convex/http.ts` at `:3211`. Saving a file deploys the functions again; the data is kept in
 * `.vueuse-convex/` across restarts, each write on disk before it is acknowledged. For development only: it has no authentication.
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
  const buildRoot = createBuildRoot(cwd)
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

  const load = createBuilder({ dir, convexDir, cwd, regenerate, buildRoot, esbuild })

  async function deploy(changes?: Changes): Promise<'deployed' | 'failed'> {
    try {
      const functions = await load()
      if (!backend) {
        // The deployment's signing key is kept with the data (`--no-data`: a new one per run).
        const signingKey = await loadSigningKey(dataPath && dirname(dataPath))
        backend = new TestBackend({ ...functions, components: await loadComponents(dir), onWrite: save, signingKey })
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
        log(`Deployed ${relative(cwd, dir) || '.'}/ again${changes ? `: ${describeChanges(changes)}` : ''} (${new Date().toLocaleTimeString()}).`, 'info')
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
  const watcher = watching
    ? watchFunctions({
        dir,
        cwd,
        onChange: (changes) => {
          deploying = deploying.then(() => deploy(changes)).then(outcome => waiting.splice(0).forEach(resolve => resolve(outcome)))
        },
      })
    : undefined
  await watcher?.ready

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
      await watcher?.close()
      await deploying
      save()
      await saved
      await server?.close()
      backend?.close()
      rmSync(buildRoot, { recursive: true, force: true })
    },
  }
}
