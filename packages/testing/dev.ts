import type { Changes } from './_dev/watcher'
// `npx vueuse-convex dev [convexDir]`: a local backend for development, with no account and no
// network. The app's `convex/` is bundled with the esbuild that `convex` itself bundles functions
// with, run in memory by the same backend as the tests, served on fixed loopback ports, deployed
// again on every save (clients stay connected) and its data kept on disk, each write before it is
// acknowledged (_dev/store.ts).
import type { TestConvexServer } from './node'
import { existsSync, rmSync, statSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import process from 'node:process'
import { createBuilder, createBuildRoot, loadEsbuild } from './_dev/builder'
import { loadComponents } from './_dev/components'
import { dataLines, openData } from './_dev/data'
import { loadSigningKey } from './_dev/signingKey'
import { describeChanges, watchFunctions } from './_dev/watcher'
import { TestBackend } from './_internal/backend'
import { serveTestConvex, ServeError } from './node'

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
  /**
   * The folder the data is kept in across restarts (`false`: in memory only). A path ending in
   * `.json` names the single file that earlier versions kept it in: its folder is used, and
   * the file is read into it once (then renamed `data.json.migrated`).
   * @default '.vueuse-convex'
   */
  dataFile?: string | false
  /**
   * Start with no data: the data files are moved aside first, into `reset-<time>/` in the data
   * folder (`--reset-data`), e.g. when they cannot be read. @default false
   */
  resetData?: boolean
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
  /** The data folder (`undefined`: `--no-data`): what else is kept with the data lives there. */
  readonly dataDir: string | undefined
  /** Stops watching and serving, and waits for the data's last writes to reach the disk. */
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
    dataFile = '.vueuse-convex',
    resetData: reset = false,
    codegen: regenerate = true,
    watch: watching = true,
    // eslint-disable-next-line no-console -- a command's output
    log = (line, level) => (level === 'error' ? console.error : console.log)(line),
  } = options
  const dir = resolve(cwd, convexDir)
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`No Convex functions folder at ${dir}: create it (e.g. convex/messages.ts) or pass its path: npx vueuse-convex dev ./src/convex`)
  // The data is opened (locked, read, recovered) before anything is built or served.
  const store = dataFile === false ? undefined : await openData(dataFile, cwd, reset, log)
  const esbuild = await loadEsbuild(cwd).catch(async (e) => {
    await store?.close()
    throw e
  })
  const buildRoot = createBuildRoot(cwd)
  let backend: TestBackend | undefined
  let server: TestConvexServer | undefined
  const waiting: Array<(outcome: 'deployed' | 'failed') => void> = []

  const load = createBuilder({ dir, convexDir, cwd, regenerate, buildRoot, esbuild })

  async function deploy(changes?: Changes): Promise<'deployed' | 'failed'> {
    try {
      const functions = await load()
      if (!backend) {
        // The deployment's signing key is kept with the data (`--no-data`: a new one per run).
        const signingKey = await loadSigningKey(store?.dir)
        // Every commit goes to the store's log; a mutation is acknowledged once it is on disk.
        const created = new TestBackend({ ...functions, components: await loadComponents(dir), signingKey, testKey: false, onCommit: store && (commit => store.commit(commit)), beforeAcknowledge: store && (() => store.durable()) })
        const stored = store?.data()
        try {
          // The data is read before anything is served; a schema that refuses it serves nothing,
          // and the fix deploys it.
          if (stored)
            created.importData(stored)
        }
        catch (e) {
          created.close()
          throw e
        }
        backend = created
        try {
          server = await serveTestConvex(backend, { port, sitePort, host })
        }
        catch (e) {
          // A port in use: nothing is served (ServeError: the command stops with the reason).
          backend.close()
          backend = undefined
          throw e
        }
        const env = `VITE_CONVEX_URL=${server.url}`
        log([
          `vueuse-convex dev: your ${relative(cwd, dir) || '.'}/ functions, in memory, for development only (no account, no network, no authentication).`,
          `  ${env}`,
          `    (Nuxt: NUXT_PUBLIC_CONVEX_URL=${server.url})`,
          `  HTTP actions (convex/http.ts): ${server.siteUrl}`,
          ...dataLines(store?.report, cwd),
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
      if (e instanceof ServeError)
        throw e
      log(`${(e as Error).message}\n${backend ? 'The previous functions keep serving. ' : ''}Fix it and save: it deploys again.`, 'error')
      return 'failed'
    }
  }

  let deploying: Promise<unknown> = deploy()
  try {
    await deploying
  }
  catch (e) {
    // Could not serve (a port in use): the data is given back, and the reason is one line.
    await store?.close()
    throw e
  }
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
    dataDir: store?.dir,
    nextDeploy: () => new Promise(resolve => waiting.push(resolve)),
    async close() {
      await watcher?.close()
      await deploying
      await server?.close()
      backend?.close()
      await store?.close()
      rmSync(buildRoot, { recursive: true, force: true })
    },
  }
}
