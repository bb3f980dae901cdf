// `npx vueuse-convex dev [convexDir]`: a local backend for development, with no account and no
// network. The app's `convex/` is bundled with the esbuild that `convex` itself bundles functions
// with, run in memory by the same backend as the tests, served on fixed loopback ports, deployed
// again on every save (clients stay connected) and its data kept on disk, each write before it is
// acknowledged (_dev/store.ts).
import type { Bundle, LoadedModules } from './_dev/builder'
import type { Deployment } from './_dev/runtime'
import type { TypecheckMode, TypecheckResult } from './_dev/typecheck'
import type { Changes } from './_dev/watcher'
import type { TestConvexServer } from './node'
import { existsSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import process from 'node:process'
import { createBuilder, createBuildRoot, loadEsbuild, moduleKeyOf, schemaOf } from './_dev/builder'
import { loadComponents } from './_dev/components'
import { dataLines, openData } from './_dev/data'
import { createEnvironment, ensureConvexAuthKeys, envFileFor } from './_dev/env'
import { evaluateIn, instrument } from './_dev/runtime'
import { loadSigningKey } from './_dev/signingKey'
import { createTypechecker, typecheck } from './_dev/typecheck'
import { describeChanges, watchFunctions } from './_dev/watcher'
import { TestBackend } from './_internal/backend'
import { ServeError, serveTestConvex } from './node'

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
  /**
   * Type-check the functions with the project's TypeScript (`tsc --project convexDir`) on every
   * deploy: `'try'` reports type errors and deploys anyway, `'enable'` refuses to deploy them,
   * `'disable'` skips it. @default 'try'
   */
  typecheck?: TypecheckMode
  /**
   * A dotenv file whose variables the functions also see, over those of
   * `npx vueuse-convex env set` (`--env-file`); a change to it deploys again. @default undefined
   */
  envFile?: string
  /** Where progress, errors and the functions' logs are written. @default console.log / console.error */
  log?: (line: string, level: 'info' | 'error') => void
  /**
   * How long a client that lost its connection is remembered, so that the mutations it replays
   * on reconnecting run once (see `TestBackendOptions.replayRetentionMs`). @default 300_000
   */
  replayRetentionMs?: number
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
    typecheck: typecheckMode = 'try',
    envFile,
    // eslint-disable-next-line no-console -- a command's output
    log = (line, level) => (level === 'error' ? console.error : console.log)(line),
  } = options
  const dir = resolve(cwd, convexDir)
  // Stack traces of the functions point into their sources (the bundles carry source maps).
  process.setSourceMapsEnabled(true)
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`No Convex functions folder at ${dir}: create it (e.g. convex/messages.ts) or pass its path: npx vueuse-convex dev ./src/convex`)
  // The deployment's variables (`npx vueuse-convex env`, kept with the data) and its URLs are all
  // its code sees in `process.env`, as its modules load and as its functions run.
  const environment = createEnvironment({ cwd, file: envFileFor(cwd, dataFile), dotenv: envFile })
  const authKeys = await ensureConvexAuthKeys(dir, environment)
  if (authKeys)
    log(authKeys.replace(`${cwd}${sep}`, ''), 'info')
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

  const builder = createBuilder({ dir, convexDir, cwd, regenerate, buildRoot, esbuild })
  const deployment: Deployment = {
    env: () => ({ ...environment.variables, CONVEX_CLOUD_URL: server?.url, CONVEX_SITE_URL: server?.siteUrl }),
    log,
    root: cwd,
  }
  const evaluate = <T>(load: () => T): T => evaluateIn(deployment, load)
  /** Loads the bundle's modules (`only`: some) as the deployment's code, their functions named in its logs. */
  const loadModules = async (bundle: Bundle, only?: (key: string) => boolean): Promise<LoadedModules> => {
    const loaded = await builder.load(bundle, evaluate, only)
    for (const [key, module] of Object.entries(loaded)) instrument(deployment, key, module)
    return loaded
  }
  let typecheckSkipped = false
  const reportTypecheck = (result: TypecheckResult) => {
    if (result.status === 'failed')
      log(`Type errors (deployed anyway: --typecheck enable refuses to deploy them):\n${result.errors}`, 'error')
    else if (result.status === 'skipped' && !typecheckSkipped)
      log(`Not type-checked: ${result.reason}.`, 'info')
    typecheckSkipped = result.status === 'skipped'
  }
  const typechecker = typecheckMode === 'try' ? createTypechecker(dir, cwd, reportTypecheck) : undefined

  let backendEnv: Record<string, string> = { ...environment.variables }
  /** The backend's variables, made the same as the files' (after `env set` or an edit of the dotenv file). */
  function syncEnvironment() {
    const variables = environment.reload()
    for (const name of new Set([...Object.keys(backendEnv), ...Object.keys(variables)])) {
      if (backendEnv[name] !== variables[name])
        backend?.setEnv(name, variables[name])
    }
    backendEnv = { ...variables }
  }

  async function deploy(changes?: Changes): Promise<'deployed' | 'failed'> {
    try {
      if (changes && [...changes.keys()].some(file => environment.files.includes(resolve(cwd, file))))
        syncEnvironment()
      // Bundled first: _generated is written (codegen) before the types are checked.
      const bundle = await builder.bundle()
      if (typecheckMode === 'enable') {
        const result = await typecheck(dir, cwd)
        if (result.status === 'skipped')
          throw new Error(`--typecheck enable: the functions cannot be type-checked: ${result.reason}. Or pass --typecheck try.`)
        if (result.status === 'failed')
          throw new Error(`Type errors (--typecheck enable refuses to deploy them; --typecheck try deploys anyway):\n${result.errors}`)
      }
      if (!backend) {
        // The modules load once the URLs are known (a module may read CONVEX_CLOUD_URL as it
        // loads: Convex Auth 2's auth.config.ts does); the backend asks for them after serving.
        const schema = schemaOf(await loadModules(bundle, key => /^\.\/convex\/schema\.[cm]?[jt]s$/.test(key)))
        let evaluated!: (modules: LoadedModules) => void
        const ready = new Promise<LoadedModules>(resolve => evaluated = resolve)
        const functions = {
          schema,
          modules: Object.fromEntries(bundle.files.map(moduleKeyOf).map(key => [key, () => ready.then(modules => modules[key])])),
        }
        // The deployment's signing key is kept with the data (`--no-data`: a new one per run).
        const signingKey = await loadSigningKey(store?.dir)
        // Every commit goes to the store's log; a mutation is acknowledged, and any client shown
        // its writes, once it is on disk (a store that failed has said so: what it has is shown).
        const components = await loadComponents({ dir, cwd, esbuild, outdir: join(buildRoot, 'components'), evaluate })
        const created = new TestBackend({ ...functions, components, env: backendEnv, inheritEnv: false, signingKey, testKey: false, replayRetentionMs: options.replayRetentionMs, initialTs: BigInt(Date.now()) * 1_000_000n, onCommit: store && (commit => store.commit(commit)), beforeAcknowledge: store && ((request) => {
          // A client's mutation: its response is kept with its writes, for its replay after a restart.
          if (request)
            store.respond(request)
          return store.durable()
        }), beforePublish: store && (() => store.durable().catch(() => {})), replays: store?.requests() })
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
        try {
          evaluated(await loadModules(bundle))
          // Crons are checked as a push checks them (a schedule that never runs: a deploy error).
          await backend.ready()
        }
        catch (e) {
          // Nothing is served until every module loads.
          evaluated({})
          await server.close()
          backend.close()
          server = backend = undefined
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
        const loaded = await loadModules(bundle)
        await backend.deploy({ schema: schemaOf(loaded), modules: Object.fromEntries(Object.entries(loaded).map(([key, module]) => [key, async () => module])) })
        log(`Deployed ${relative(cwd, dir) || '.'}/ again${changes ? `: ${describeChanges(changes)}` : ''} (${new Date().toLocaleTimeString()}).`, 'info')
      }
      void typechecker?.request()
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
        files: environment.files,
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
      typechecker?.close()
      await watcher?.close()
      await deploying
      await server?.close()
      backend?.close()
      await store?.close()
      rmSync(buildRoot, { recursive: true, force: true })
    },
  }
}
