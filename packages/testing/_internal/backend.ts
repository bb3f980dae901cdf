// The in-memory Convex deployment and its test controls. The parts it is made of, each on
// its own: executor.ts runs functions (convex-test), sessions.ts speaks the sync protocol,
// http.ts answers HTTP (API, storage, http.ts routes), auth.ts checks tokens against
// auth.config.ts, crons.ts runs crons.ts.
import type { GenericSchema, SchemaDefinition } from 'convex/server'
import type { JSONValue } from 'convex/values'
import type { JSONWebKeySet, JWK } from 'jose'
import type { AuthProvider } from './auth'
import type { AcknowledgedRequest, Commit } from './commits'
import type { CronJob, CronPlan } from './crons'
import type { BackendData, FunctionSelector, TestComponent, TestIdentity } from './executor'
import type { HttpHost } from './http'
import type { SessionHost } from './sessions'
import type { DeploymentKey } from './signing'
import type { ClientSocket, ServerConnection, SocketHost } from './socket'
import { ConvexError, jsonToConvex } from 'convex/values'
import { AuthFailure, authProviders, defaultAudience, providerKeys, verifyToken } from './auth'
import { Clock } from './clock'
import { lostResponse, tapCommits } from './commits'
import { checkCrons, startCrons } from './crons'
import { Executor, udfPathOf } from './executor'
import { functionModules, loadFunction, moduleKey } from './functions'
import { handleRequest, routeFetch } from './http'
import { Sessions } from './sessions'
import { deploymentKey, jwksOf } from './signing'
import { InMemoryWebSocket, nextTask } from './socket'
import { createTestToken } from './wire'

export type { BackendData, FunctionSelector, TestComponent, TestIdentity } from './executor'
export { MAX_ARGS_BYTES, udfPathOf } from './executor'

const tick = () => new Promise<void>(resolve => nextTask(resolve))
const realSetTimeoutGlobal = globalThis.setTimeout
const realSetTimeout = globalThis.setTimeout.bind(globalThis)
/** How long `finishScheduled()` waits on real timers for the next scheduled function. */
const REAL_WAIT_MS = 2000
/** One turn of the timer queue: the client's own `setTimeout(0)`s (cached results) run. */
const timerTurn = () => new Promise<void>(resolve => realSetTimeout(resolve, 0))
/** The real clock, captured before a test can fake it. */
const realNow = globalThis.performance.now.bind(globalThis.performance)
/**
 * How long `flush()` waits for the backend to go quiet while nothing moves (no commit, no message
 * in or out, no request started or finished) before it says what is still pending: a function
 * waiting on fake timers moves nothing; a heavy job on a loaded machine keeps moving.
 */
const FLUSH_STALL_MS = 10_000

export interface TestBackendOptions {
  /** Your `convex/schema.ts` default export. @default undefined (no schema) */
  schema?: SchemaDefinition<GenericSchema, boolean>
  /**
   * Your functions: `import.meta.glob(['./convex/**\/*.*s', '!**\/*.d.ts'])`, `_generated/` included (its `.d.ts` files are left out).
   * `auth.config.ts`, `http.ts` and `crons.ts` among them are honoured as on a deployment.
   */
  modules: Record<string, () => Promise<any>>
  /**
   * Convex components your app uses, by the name `convex.config.ts` gives them, each as its
   * test entry exports it: `{ rateLimiter: rateLimiterTest }` (`{ schema, modules }`).
   * @default {}
   */
  components?: Record<string, TestComponent | { default: TestComponent }>
  /** Milliseconds every mutation, action and new query waits before it runs. @default 0 */
  latency?: number
  /**
   * Run one function at a time. Needed where AsyncLocalStorage is a polyfill (browsers).
   * @default true in browsers, false in Node
   */
  serialize?: boolean
  /** Run the jobs of `convex/crons.ts` on their schedules. @default true */
  crons?: boolean
  /** Called after every write (a function's, `run`'s, an import's): e.g. to save the data. @default undefined */
  onWrite?: () => void
  // ---- durable acknowledgement (vueuse-convex dev's store, _dev/store.ts) ----
  /**
   * Called with what each committed transaction changed, per component, as it commits: clients'
   * mutations, actions' `runMutation`, scheduled functions, HTTP actions, stored files. (Not
   * `importData`, nor the data a `deploy` carries over.) @default undefined
   */
  onCommit?: (commit: Commit) => void
  /**
   * Awaited after a client's mutation commits and before it is acknowledged (its response sent,
   * over the socket or the HTTP API): e.g. until its writes are on disk. Over the socket it is
   * given the request (session, request id) and its response, for the log to keep with the
   * writes: a client replays unacknowledged mutations on reconnecting, to this process or the
   * next one ({@link TestBackendOptions.replays}). @default undefined
   */
  beforeAcknowledge?: (request?: AcknowledgedRequest) => Promise<void>
  /**
   * Awaited before clients are shown data (a Transition of their subscriptions, an action's or
   * an HTTP query's result): e.g. until every write so far is on disk, so that no client sees a
   * write a crash could take back. @default undefined
   */
  beforePublish?: () => Promise<void>
  /**
   * Clients' mutations a previous process ran, with the response each was (or `null`, when the
   * process stopped before its response was kept): a replay of one is answered with it and not
   * run again, as a deployment remembers a session's requests. @default []
   */
  replays?: Array<{ session: string, requestId: number, response: object | null }>
  // ---- end of durable acknowledgement ----
  /**
   * The deployment's environment variables (what `npx convex env set` sets), which its functions
   * and `auth.config.ts` read in `process.env`. `CONVEX_CLOUD_URL` and `CONVEX_SITE_URL` are
   * set as on a deployment, to this backend's URLs.
   * @default {}
   */
  env?: Record<string, string>
  /**
   * Whether functions also see the process's own variables, under the deployment's (`false`: only
   * the deployment's, as on Convex — what `vueuse-convex dev` runs with).
   * @default true
   */
  inheritEnv?: boolean
  /**
   * The deployment's own signing key, a private ES256 JWK: what `ctx.auth.signJwt` signs with
   * (Convex Auth 2's tokens) and `${url}/.well-known/jwks.json` publishes. `dev` keeps one with its data.
   * @default a new key for each backend
   */
  signingKey?: JWK
  /**
   * Accept tokens signed with the test kit's published key (`createTestToken()`,
   * `backend.createToken()`) for every provider. `dev` turns it off: anyone can sign with a
   * published key, so a served deployment checks tokens against the app's providers only.
   * @default true
   */
  testKey?: boolean
  /**
   * How long a client that lost its connection is remembered (its mutations' responses), so that
   * the mutations it replays on reconnecting run once, whatever the memory they hold; after that,
   * up to 1,000 such clients or 4 MB of responses are kept, those gone longest forgotten first.
   * @default 300_000 (5 minutes)
   */
  replayRetentionMs?: number
  /**
   * The commit timestamp the backend starts from; it moves by one on every write. `vueuse-convex
   * dev` starts from the wall clock in nanoseconds, as a deployment's timestamps are, so that
   * they keep moving forward across restarts (a client that saw one before waits for a later one).
   * @default 1n
   */
  initialTs?: bigint
}

/**
 * An in-memory Convex deployment: your schema and functions, run by convex-test, served over
 * Convex's sync protocol to real `ConvexClient`s through {@link TestBackend.WebSocket}, and
 * over HTTP (`fetch` to {@link TestBackend.url} and {@link TestBackend.siteUrl}).
 */
export class TestBackend implements SocketHost {
  /** Pass as `webSocketConstructor` to a `ConvexClient`. */
  readonly WebSocket: typeof InMemoryWebSocket
  /** Wire counters, for tests and benchmarks. */
  readonly stats: Sessions['stats']

  private executor: Executor
  private readonly sessions: Sessions
  private providers: () => Promise<AuthProvider[]>
  private modules: Record<string, () => Promise<any>>
  private readonly options: TestBackendOptions
  private readonly env: Record<string, string>
  private readonly errors: unknown[] = []
  private readonly unroute: Array<() => void> = []
  private stopCrons: (() => void) | undefined
  private cronPlan: CronPlan | undefined
  /** The backend's time: every timer (pings, crons, scheduled functions, latency) is one of it. */
  private readonly clock: Clock
  private crons: Promise<Record<string, CronJob>> | undefined
  /** The current deployment's checks and deploy-time cron runs (see {@link ready}). */
  private deployment: Promise<void> = Promise.resolve()
  private online = true
  private busy = 0
  /** Requests tracked so far (a count that only moves forward: see {@link progress}). */
  private started = 0
  private publicUrl: string | undefined
  private publicSiteUrl: string | undefined
  private readonly host: HttpHost & SessionHost
  private readonly localUrl: string
  /** The deployment's signing key (made once: every deploy signs with the same key). */
  private readonly signingKey: Promise<DeploymentKey>

  constructor(options: TestBackendOptions) {
    this.options = options
    this.signingKey = deploymentKey(options.signingKey)
    // Read where it is used; a bad key is reported there, never as an unhandled rejection.
    this.signingKey.catch(() => {})
    this.modules = functionModules('createTestConvex', options.modules)
    this.clock = new Clock(fire => this.scheduledFunctionDue(fire))
    this.executor = this.createExecutor(options)
    if (options.initialTs !== undefined)
      this.executor.ts = options.initialTs
    this.localUrl = this.executor.url
    this.env = { ...options.env }
    this.providers = this.loadProviders()
    // eslint-disable-next-line ts/no-this-alias -- the host reads what is current after a deploy
    const backend = this
    const host = this.host = {
      get executor() {
        return backend.executor
      },
      verifyToken: token => backend.verify(token),
      track: <T>(promise: Promise<T>) => this.track(promise),
      internalError: (e: unknown) => this.errors.push(e),
      acknowledge: (request?: AcknowledgedRequest) => this.options.beforeAcknowledge?.(request),
      publish: () => this.options.beforePublish?.(),
      clock: this.clock,
      jwks: () => backend.jwks(),
      get hasRouter() {
        return moduleKey(backend.modules, 'http') !== undefined
      },
    }
    this.sessions = new Sessions(host, options.replayRetentionMs)
    for (const { session, requestId, response } of options.replays ?? [])
      this.sessions.log.restore(session, requestId, response ?? lostResponse(requestId))
    this.stats = this.sessions.stats
    const accept: SocketHost = { accept: socket => this.accept(socket) }
    this.WebSocket = class extends InMemoryWebSocket {
      constructor(url: string) {
        super(url, accept)
      }
    }
    this.unroute.push(
      routeFetch(this.localUrl, request => handleRequest(host, request, false)),
      routeFetch(this.siteUrl, request => handleRequest(host, request, true)),
    )
    this.scheduleCrons()
  }

  /** What this backend's functions see in `process.env`: its variables and its URLs. */
  private readonly environment = () => ({ ...this.env, CONVEX_CLOUD_URL: this.url, CONVEX_SITE_URL: this.siteUrl })

  /** The keys of the app's providers (a deploy starts afresh: the keys it serves itself may change). */
  private keys = providerKeys(url => this.ownFetch(url))

  /** A request to one of this backend's own URLs, answered in-process (no network, not even loopback). */
  private ownFetch(url: string): Promise<Response> | undefined {
    const origin = URL.canParse(url) ? new URL(url).origin : undefined
    if (origin === new URL(this.url).origin)
      return this.fetch(new Request(url))
    if (origin === new URL(this.siteUrl).origin)
      return this.fetch(new Request(url), { site: true })
    return undefined
  }

  /** The identity of `token` as this deployment checks it; an `AuthFailure` says why it refuses it. */
  private async verify(token: unknown): Promise<TestIdentity> {
    let providers: AuthProvider[]
    try {
      providers = await this.providers()
    }
    catch (e) {
      throw new AuthFailure(`convex/auth.config.ts failed to load, so no token can be checked: ${(e as Error).message}`)
    }
    return verifyToken(token, providers, this.keys, { testKey: this.options.testKey ?? true })
  }

  private loadProviders() {
    return authProviders(this.modules, this.environment, new Set(['CONVEX_CLOUD_URL', 'CONVEX_SITE_URL', ...Object.keys(this.env)]))
  }

  private createExecutor(options: TestBackendOptions): Executor {
    const executor = new Executor({
      ...options,
      modules: this.modules,
      clock: this.clock,
      environment: this.environment,
      signingKey: this.signingKey,
      onWrite: (tables) => {
        this.sessions.invalidate(tables)
        this.options.onWrite?.()
      },
    })
    // Durable acknowledgement: each commit of this executor reaches onCommit.
    if (options.onCommit)
      tapCommits((executor as unknown as { databases: () => Record<string, unknown> }).databases(), options.onCommit)
    return executor
  }

  /**
   * Checks the crons of the current functions (the app's and its components') as a push does, then
   * runs them; clients' calls wait for the deploy-time runs. A failed check is a deploy error:
   * {@link ready} rejects with it, and it is one of {@link internalErrors}.
   */
  private scheduleCrons() {
    if (this.options.crons === false)
      return
    const executor = this.executor
    const loading = this.loadCrons()
    const deployment = loading.then(async (jobs) => {
      await this.checkCrons(jobs)
      if (!this.online || this.crons !== loading)
        return
      const { stop, plan, deployed } = startCrons(jobs, job => this.track(this.runJob(job)), this.clock, this.cronPlan)
      this.stopCrons = stop
      this.cronPlan = plan
      await deployed
    })
    this.deployment = deployment
    executor.waitFor(deployment)
    deployment.catch(e => this.errors.push(e))
  }

  /** Refuses, as a push does, crons whose schedule never runs or whose function's module fails to load. */
  private async checkCrons(jobs: Record<string, CronJob>, executor = this.executor, modules = this.modules): Promise<void> {
    checkCrons(jobs)
    for (const [id, job] of Object.entries(jobs)) {
      const source = job.componentPath ? executor.componentModules.get(job.componentPath) : modules
      if (source && !await loadFunction(source, job.name))
        throw new Error(`Cron job "${id}" runs ${job.name}, which ${job.componentPath ? `component "${job.componentPath}"` : 'the app'} does not define. A deployment refuses the push.`)
    }
  }

  // ---- the test-facing API -------------------------------------------------------------

  /** The convex-test instance, for anything this class does not wrap. */
  get t(): Executor['t'] {
    return this.executor.t
  }

  /**
   * The deployment URL (`https://backend-N.convex.test`, a name that never resolves): `fetch`
   * in this process answers it in-process — the HTTP API for `ConvexHttpClient`, and storage
   * URLs. While `serveTestConvex` serves it, the server's URL.
   */
  get url(): string {
    return this.publicUrl ?? this.localUrl
  }

  /** Where the app's `convex/http.ts` routes answer (a deployment's `.convex.site` URL). */
  get siteUrl(): string {
    return this.publicSiteUrl ?? this.localUrl.replace('.convex.test', '.site.convex.test')
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.sessions.connections.size
  }

  /** Number of distinct query subscriptions on the wire, over all connections. */
  get subscriptionCount(): number {
    let n = 0
    for (const c of this.sessions.connections) n += c.queries.size
    return n
  }

  /**
   * Why each token a client sent was refused (expired, no matching provider in `auth.config.ts`,
   * ...), oldest first; the token itself never appears. A deployment logs these; here a test reads them.
   */
  get authErrors(): readonly string[] {
    return this.sessions.authErrors
  }

  /**
   * Errors inside the backend itself (a bug, not a function failure), and the deploy error of the
   * functions it started with (see {@link ready}); tests may assert none.
   */
  get internalErrors(): readonly unknown[] {
    return this.errors
  }

  /**
   * Resolves once the functions are deployed as a push deploys them: crons checked (a schedule
   * that never runs, a function whose module fails to load: a deploy error, which this rejects
   * with) and the deploy-time run of each interval cron done. Clients' calls wait for it anyway.
   */
  ready(): Promise<void> {
    return this.deployment
  }

  /**
   * Sets the identity of callers that send no token (`null`: signed out). Subscribed
   * queries re-run with it.
   */
  setIdentity(identity: TestIdentity | null): void {
    this.executor.identity = identity
    this.sessions.invalidate()
  }

  /**
   * A token the app's `auth.config.ts` accepts (its first provider's issuer and audience),
   * for `client.setAuth(() => backend.createToken({ sub: 'user_1' }))`.
   */
  async createToken(claims: { sub: string, expiresIn?: number, [claim: string]: unknown }): Promise<string> {
    const audience = defaultAudience(await this.providers())
    if (!audience)
      throw new Error('[vueuse-convex] backend.createToken(): this app has no convex/auth.config.ts with a provider, so a deployment would refuse every token. Add one (e.g. { providers: [{ domain: \'https://convex.test\', applicationID: \'convex\' }] }).')
    return createTestToken({ ...audience, ...claims })
  }

  /**
   * Sets an environment variable of this deployment (`undefined`: removes it), as
   * `npx convex env set` does; functions read it in `process.env` from their next run.
   */
  setEnv(name: string, value: string | undefined): void {
    if (value === undefined)
      delete this.env[name]
    else
      this.env[name] = value
  }

  /**
   * The public keys of the deployment's signing key, as served at `${url}/.well-known/jwks.json`:
   * tokens from `ctx.auth.signJwt` verify against them.
   */
  async jwks(): Promise<JSONWebKeySet> {
    return jwksOf(await this.signingKey)
  }

  /** Latency in ms before a function runs: for every function, or for one. */
  setLatency(ms: number): void
  setLatency(fn: FunctionSelector, ms: number): void
  setLatency(a: number | FunctionSelector, b?: number): void {
    if (typeof a === 'number')
      this.executor.defaultLatency = a
    else
      this.executor.latencies.set(udfPathOf(a), b ?? 0)
  }

  /** The next call of `fn` fails with `error` (a `ConvexError` keeps its data) without running. */
  failNext(fn: FunctionSelector, error: unknown = new Error('Injected failure (backend.failNext)')): void {
    const key = udfPathOf(fn)
    const list = this.executor.failures.get(key) ?? []
    list.push(typeof error === 'string' ? new Error(error) : error)
    this.executor.failures.set(key, list)
  }

  /** Drops every connection as a network failure would; clients reconnect by themselves. */
  disconnect(): void {
    for (const c of [...this.sessions.connections])
      c.socket.drop()
  }

  /** Offline: drops connections and refuses new ones until set online again. */
  setOnline(online: boolean): void {
    this.online = online
    if (!online)
      this.disconnect()
  }

  /** Runs `fn` with a mutation context (direct data access); subscribed queries update. */
  async run<T>(fn: (ctx: any) => Promise<T>): Promise<T> {
    const result = await this.executor.exec(() => this.t.run(fn as any) as Promise<T>)
    await this.settled()
    return result
  }

  /**
   * Runs the job of `convex/crons.ts` named `name` now, as its schedule would; a component's own
   * job by `"<component>:<name>"`.
   */
  async runCron(name: string): Promise<void> {
    const jobs = await this.loadCrons()
    const job = jobs[name]
    if (!job)
      throw new Error(`[vueuse-convex] backend.runCron(): no cron job named ${JSON.stringify(name)} in convex/crons.ts (it has ${Object.keys(jobs).map(n => JSON.stringify(n)).join(', ') || 'none'}).`)
    await this.runJob(job)
    await this.settled()
  }

  /**
   * Runs scheduled functions (`ctx.scheduler.runAfter` / `runAt`, including those they schedule)
   * until none is left, each at its scheduled time, as a deployment does. Under fake timers it
   * moves the fake clock to each one's time (every other timer due by then fires on the way); on
   * real timers it waits for the ones due within 2 s and throws, saying what to do, for later ones.
   * Whether the timers were faked before or after the backend started makes no difference.
   *
   * @param advanceTimers No longer needed. Called only for fake timers this backend cannot move
   * (a library other than @sinonjs/fake-timers, which Vitest and Jest use). `vi.runAllTimers` is
   * refused before anything runs: with a connected client the timers never run out.
   */
  async finishScheduled(advanceTimers?: () => void): Promise<void> {
    if (advanceTimers && /runAllTimers/.test(advanceTimers.name))
      throw new Error('[vueuse-convex] finishScheduled(): vi.runAllTimers never ends while a client is connected (its keep-alive timers re-arm forever, as in a browser), so nothing was run. Call finishScheduled() without it: it moves fake timers to each scheduled function\'s time itself.')
    for (let round = 0; ; round++) {
      await this.scheduledSettled()
      const next = this.clock.next('scheduled')
      if (!next)
        break
      if (round > 10_000)
        throw new Error('[vueuse-convex] finishScheduled(): scheduled functions kept scheduling more after 10,000 runs; a function that reschedules itself forever never finishes. Advance the timers yourself (vi.advanceTimersByTimeAsync) to run some of them.')
      if (next.fake) {
        if (next.due > next.fake.now)
          await next.fake.tickAsync(next.due - next.fake.now)
        // A 0 ms timer armed while the fake clock ticks fires 1 ms late (@sinonjs/fake-timers);
        // a deployment runs it at once: so does this, at its time.
        this.clock.fireDue(next)
      }
      else if ((globalThis.setTimeout as unknown) !== realSetTimeoutGlobal) {
        if (!advanceTimers)
          throw new Error('[vueuse-convex] finishScheduled(): the timers are faked by a library whose clock this backend cannot move (it moves @sinonjs/fake-timers\', which Vitest and Jest use): pass the function that runs its pending timers, finishScheduled(runPendingTimers).')
        advanceTimers()
      }
      else {
        const wait = next.due - Date.now()
        if (wait > REAL_WAIT_MS)
          throw new Error(`[vueuse-convex] finishScheduled(): the next scheduled function is due in ${Math.round(wait / 1000)} s and the timers are real, so it would keep the test waiting. Use fake timers (vi.useFakeTimers(), before or after createTestConvex): finishScheduled() then moves the clock to each function's time.`)
        await new Promise<void>(resolve => realSetTimeout(resolve, Math.max(0, wait) + 1))
      }
    }
    await this.settled()
  }

  /**
   * Resolves once the backend is quiet and every frame has reached the clients: await it
   * before asserting on what a component shows. Throws, saying what is pending, when the
   * backend stays busy for 10 s with nothing moving (a function waiting on fake timers, say).
   */
  async flush(): Promise<void> {
    let start = realNow()
    let progress = this.progress()
    let quietTicks = 0
    while (quietTicks < 4) {
      // The last check waits a timer turn: the client answers a new listener of a cached
      // query from a setTimeout(0).
      await (quietTicks === 3 ? timerTurn() : tick())
      const quiet = this.busy === 0 && [...this.sessions.connections].every(c => c.socket.idle)
      quietTicks = quiet ? quietTicks + 1 : 0
      if (quiet)
        continue
      const now = this.progress()
      if (now !== progress) {
        progress = now
        start = realNow()
      }
      else if (realNow() - start > FLUSH_STALL_MS) {
        const sockets = [...this.sessions.connections].filter(c => !c.socket.idle).length
        throw new Error(`[vueuse-convex] flush(): the backend is still busy after ${FLUSH_STALL_MS / 1000} s with nothing moving: ${this.busy} request(s) in progress, ${sockets} socket(s) with frames in flight. A function may be waiting on fake timers (advance them, e.g. vi.advanceTimersByTimeAsync) or on a latency you set (backend.setLatency).`)
      }
    }
  }

  /**
   * Every document and stored file, as JSON (what {@link importData} takes): to save a
   * backend's state and start another from it.
   */
  async exportData(): Promise<BackendData> {
    await this.settled()
    return this.executor.exportData()
  }

  /**
   * Replaces the data with what {@link exportData} gave, each document checked against the
   * schema; subscribed queries re-run with it.
   */
  importData(data: BackendData): void {
    this.executor.importData(data)
  }

  /**
   * Deploys new functions and schema over the same data, as `npx convex deploy` does: clients
   * stay connected and their queries re-run with the new code. Refused, with nothing changed,
   * when the existing data does not match the new schema.
   */
  async deploy(functions: { schema?: TestBackendOptions['schema'], modules: TestBackendOptions['modules'] }): Promise<void> {
    const modules = functionModules('deploy', functions.modules)
    // Work in flight finishes on the old functions before their data moves.
    await this.flush()
    const data = await this.executor.exportData()
    const previous = this.executor
    const previousModules = this.modules
    this.modules = modules
    const next = this.createExecutor({ ...this.options, schema: functions.schema })
    try {
      next.importData(data)
      if (this.options.crons !== false)
        await this.checkCrons(await this.loadCrons(modules, next), next, modules)
    }
    catch (e) {
      next.close()
      this.modules = previousModules
      throw e
    }
    next.url = previous.url
    next.ts = previous.ts
    next.identity = previous.identity
    next.defaultLatency = previous.defaultLatency
    previous.latencies.forEach((ms, fn) => next.latencies.set(fn, ms))
    previous.failures.forEach((errors, fn) => next.failures.set(fn, errors))
    this.executor = next
    previous.close()
    this.providers = this.loadProviders()
    this.keys = providerKeys(url => this.ownFetch(url))
    this.stopCrons?.()
    this.stopCrons = undefined
    this.crons = undefined
    this.scheduleCrons()
    this.sessions.invalidate()
    await this.deployment
  }

  /** Closes every connection for good, stops crons and stops answering `fetch`. */
  close(): void {
    this.online = false
    this.stopCrons?.()
    this.clock.close()
    this.unroute.forEach(unroute => unroute())
    this.executor.close()
    this.disconnect()
  }

  /**
   * Answers one HTTP request to {@link url} (`site: true`: to {@link siteUrl}), as `fetch`
   * does in-process; `serveTestConvex` sends its requests here.
   */
  fetch(request: Request, options: { site?: boolean } = {}): Promise<Response> {
    return handleRequest(this.host, request, !!options.site)
  }

  // ---- for the transports --------------------------------------------------------------

  /**
   * A new socket connects.
   * @internal
   */
  accept(socket: ClientSocket): ServerConnection | null {
    return this.online ? this.sessions.open(socket) : null
  }

  /**
   * While a server serves this backend, its URLs are the server's (`undefined`: in-process).
   * @internal
   */
  servedAt(urls: { url: string, siteUrl: string } | undefined): void {
    this.publicUrl = urls?.url
    this.publicSiteUrl = urls?.siteUrl
    const url = urls?.url
    this.executor.url = url ?? this.localUrl
  }

  /** One run of a cron job, as its schedule runs it: any function, its JSON arguments decoded. */
  private runJob(job: CronJob): Promise<unknown> {
    return this.executor.callAny(job.name, jsonToConvex((job.args?.[0] ?? {}) as JSONValue), job.componentPath)
  }

  /**
   * The cron jobs of `modules` (the app's `crons.ts`, by name) and of the components `executor`
   * registered (a component folder has a `convex/` folder's structure, `crons.ts` included: by
   * `"<component>:<name>"`). Cached for the current functions.
   */
  private loadCrons(modules = this.modules, executor = this.executor): Promise<Record<string, CronJob>> {
    const load = async () => {
      const jobs: Record<string, CronJob> = {}
      for (const [path, source] of [['', modules] as const, ...executor.componentModules]) {
        const key = moduleKey(source, 'crons')
        if (!key)
          continue
        let module: any
        try {
          module = await source[key]()
        }
        catch (e) {
          throw new Error(`${path ? `The crons.ts of component "${path}"` : 'convex/crons.ts'} failed to load: ${(e as Error).message} A deployment refuses the push.`, { cause: e })
        }
        const crons = (module?.default?.isCrons ? module.default.crons : {}) as Record<string, CronJob>
        for (const [name, job] of Object.entries(crons))
          jobs[path ? `${path}:${name}` : name] = { ...job, componentPath: path }
      }
      return jobs
    }
    if (modules !== this.modules || executor !== this.executor)
      return load()
    return this.crons ??= load()
  }

  /**
   * A scheduled function's time has come (its clock timer fired): convex-test starts it. Its
   * state in `_scheduled_functions` moves (pending → inProgress, then success or failed) with
   * writes a live query over that table must see, and `flush()` waits for it to finish.
   */
  private scheduledFunctionDue(start: () => void) {
    const executor = this.executor
    // In the backend's context, until it ends: the function's writes are this backend's, and
    // where functions run one at a time (browsers: contexts do not follow concurrent awaits),
    // no other call runs meanwhile.
    void executor.exec(async () => {
      start()
      await this.jobsSettled(executor)
    })
    executor.wrote(new Set(['_scheduled_functions']))
    void this.track(this.jobsSettled(executor).then(() => executor.wrote(new Set(['_scheduled_functions']))))
  }

  /**
   * {@link jobsSettled} for finishScheduled(): throws, saying what to do, when a running scheduled
   * function makes no progress for 10 s (an action waiting on a fake timer of its own, which
   * only the test can move), rather than waiting forever.
   */
  private async scheduledSettled(): Promise<void> {
    const jobs = { settled: false }
    const settling = this.jobsSettled().finally(() => {
      jobs.settled = true
    })
    let progress = this.progress()
    let since = realNow()
    while (!jobs.settled) {
      await Promise.race([settling, new Promise<void>(resolve => realSetTimeout(resolve, 50))])
      const now = this.progress()
      if (now !== progress) {
        progress = now
        since = realNow()
      }
      else if (!jobs.settled && realNow() - since > FLUSH_STALL_MS) {
        throw new Error(`[vueuse-convex] finishScheduled(): a running scheduled function has made no progress for ${FLUSH_STALL_MS / 1000} s. It may be waiting on a timer of its own (an action's setTimeout, a retry's backoff) on fake timers, which only your test can move: advance them (vi.advanceTimersByTimeAsync) until it finishes, then call finishScheduled() again.`)
      }
    }
    await settling
  }

  /** Resolves when no scheduled function of `executor` is running. */
  private jobsSettled(executor = this.executor): Promise<void> {
    return executor.t.finishInProgressScheduledFunctions() as Promise<void>
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.started++
    this.busy++
    return promise.finally(() => this.busy--)
  }

  /** What moves while the backend works: commits, messages, requests started and finished. */
  private progress(): string {
    const { messagesIn, messagesOut } = this.sessions.stats
    return `${this.executor.ts}:${messagesIn}:${messagesOut}:${this.busy}:${this.started}`
  }

  /** Waits (while things move: see {@link flush}) until every queued query refresh has been sent. */
  private async settled() {
    let start = realNow()
    let progress = this.progress()
    while (this.busy > 0) {
      await tick()
      const now = this.progress()
      if (now !== progress) {
        progress = now
        start = realNow()
      }
      else if (realNow() - start > FLUSH_STALL_MS) {
        break
      }
    }
  }
}

export { ConvexError }
