// The in-memory Convex backend: convex-test executes the app's functions, this file speaks
// the sync protocol to each connected ConvexClient (see convex/src/browser/sync/).
import type { GenericSchema, SchemaDefinition } from 'convex/server'
import type { JSONValue, Value } from 'convex/values'
import type { ClientSocket, ServerConnection, SocketHost } from './socket'
import { AsyncLocalStorage } from 'node:async_hooks'
import { convexTest } from 'convex-test'
import { getFunctionName } from 'convex/server'
import { ConvexError, convexToJson, jsonToConvex } from 'convex/values'
import { DeploymentError, publicFunctions } from './functions'
import { InMemoryWebSocket } from './socket'
import { decodeJwt, encodeTs } from './wire'

const realSetTimeout = globalThis.setTimeout.bind(globalThis)
const realSetInterval = globalThis.setInterval.bind(globalThis)
const realClearInterval = globalThis.clearInterval.bind(globalThis)
const tick = () => new Promise<void>(resolve => realSetTimeout(resolve, 0))
/** Simulated latency: the current timers, so fake timers in a test control it. */
async function sleep(ms: number): Promise<void> {
  if (ms > 0)
    await new Promise(resolve => setTimeout(resolve, ms))
}

/** The identity that `ctx.auth.getUserIdentity()` returns in your functions. */
export interface TestIdentity {
  subject?: string
  issuer?: string
  tokenIdentifier?: string
  name?: string
  email?: string
  [claim: string]: unknown
}

/** A Convex function, by reference (`api.messages.send`) or by name (`"messages:send"`). */
export type FunctionSelector = string | { [key: symbol]: unknown }

export interface TestBackendOptions {
  /** Your `convex/schema.ts` default export. @default undefined (no schema) */
  schema?: SchemaDefinition<GenericSchema, boolean>
  /** Your functions: `import.meta.glob('./convex/**\/*.ts')`; must include `_generated/`. */
  modules: Record<string, () => Promise<any>>
  /** Milliseconds every mutation, action and new query waits before it runs. @default 0 */
  latency?: number
  /**
   * Run one function at a time. Needed where AsyncLocalStorage is a polyfill (browsers).
   * @default true in browsers, false in Node
   */
  serialize?: boolean
}

interface Query {
  udfPath: string
  args: Value
  /**
   * What the first run decided, as a deployment records it: for a paginated query the page's
   * end cursor, so that re-runs keep the page's boundaries (pages stay gapless). Opaque to the
   * client, which sends it back when it re-subscribes.
   */
  journal: string | null
  /** Result key last sent to the client, to send only what changed. */
  last?: string
  /** Why the query is refused without running (arguments over Convex's limit). */
  refused?: DeploymentError
}

/** The arguments to run `query` with: a paginated query's page is pinned to its journal. */
function argsWithJournal(query: Query): Value {
  const args = query.args as Record<string, any>
  const options = args?.paginationOpts
  if (!query.journal || !options || typeof options !== 'object' || options.endCursor != null)
    return query.args
  const { endCursor } = JSON.parse(query.journal) as { endCursor?: string }
  return endCursor ? { ...args, paginationOpts: { ...options, endCursor } } : query.args
}

function isPaginationResult(value: unknown): value is { continueCursor: string } {
  return typeof value === 'object' && value !== null && Array.isArray((value as any).page)
    && typeof (value as any).continueCursor === 'string' && typeof (value as any).isDone === 'boolean'
}

interface Version { querySet: number, identity: number, ts: bigint }

interface Failure { message: string, errorData?: JSONValue }

/** Convex's limit on the size of a function's arguments. */
export const MAX_ARGS_BYTES = 16 * 1024 * 1024

/** The refusal of arguments over {@link MAX_ARGS_BYTES} (as JSON), or `undefined`. */
function oversized(udfPath: string, json: unknown): DeploymentError | undefined {
  const size = JSON.stringify(json ?? {}).length
  return size > MAX_ARGS_BYTES
    ? new DeploymentError(`ArgumentsTooLarge: the arguments of ${udfPath} are ${size} bytes, over Convex's limit of ${MAX_ARGS_BYTES} bytes (16 MiB).`)
    : undefined
}

/** Read-only syscalls: every other one may change what a query returns. */
const READ_OPS = new Set([
  '1.0/get',
  '1.0/queryStream',
  '1.0/queryStreamNext',
  '1.0/queryPage',
  '1.0/queryCleanup',
  '1.0/db/normalizeId',
  '1.0/getSnapshotTs',
  '1.0/count',
  '1.0/getTransactionMetrics',
  '1.0/getFunctionMetadata',
  '1.0/getRequestMetadata',
  '1.0/getDeploymentMetadata',
  '1.0/actions/query',
  '1.0/actions/mutation',
  '1.0/actions/action',
  '1.0/runUdf',
  '1.0/createFunctionHandle',
  '1.0/storageGetUrl',
  'storage/getBlob',
])

/** Backends to tell when any function writes; told outside convex-test's contexts. */
const writeListeners = new Set<() => void>()
let escapeContext: <R>(fn: () => R) => R = fn => fn()

/**
 * Wraps the `Convex` global that convex-test installs so that writes, wherever they
 * come from (mutations, actions, scheduled functions, `run`), refresh subscribed queries.
 */
function installWriteHook() {
  const g = globalThis as any
  if (!g.Convex || g.Convex.__vueuseConvexWriteHook)
    return
  const original = g.Convex
  escapeContext = AsyncLocalStorage.snapshot() as typeof escapeContext
  const wrapped = new WeakMap<(...args: any[]) => Promise<string>, (...args: any[]) => Promise<string>>()
  g.Convex = {
    __vueuseConvexWriteHook: true,
    get syscall() {
      return original.syscall
    },
    get jsSyscall() {
      return original.jsSyscall
    },
    get asyncSyscall() {
      const inner = original.asyncSyscall
      let outer = wrapped.get(inner)
      if (!outer) {
        outer = async (op: string, args: string) => {
          const result = await inner(op, args)
          if (!READ_OPS.has(op))
            escapeContext(() => writeListeners.forEach(listener => listener()))
          return result
        }
        wrapped.set(inner, outer)
      }
      return outer
    },
  }
}

/** Serializes async work when enabled; a pass-through otherwise. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve()
  constructor(private readonly enabled: boolean) {}
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.enabled)
      return fn()
    const result = this.tail.then(fn)
    this.tail = result.catch(() => {})
    return result
  }
}

function normalizeUdfPath(udfPath: string): string {
  const [module, fn = 'default'] = udfPath.split(':')
  return `${module.replace(/\.js$/, '')}:${fn}`
}

/** The `"module:function"` name of a function selector. */
export function udfPathOf(fn: FunctionSelector): string {
  return normalizeUdfPath(typeof fn === 'string' ? fn : getFunctionName(fn as any))
}

function isConvexError(e: unknown): e is ConvexError<Value> {
  return typeof e === 'object' && e !== null && Symbol.for('ConvexError') in e
}

/** One client connection: its protocol version, its query set and its identity. */
class Connection implements ServerConnection {
  sessionId = ''
  version: Version = { querySet: 0, identity: 0, ts: 0n }
  readonly queries = new Map<number, Query>()
  /** `undefined`: no token was sent, so the backend's default identity applies. */
  tokenIdentity: TestIdentity | undefined
  private outbox: Promise<void> = Promise.resolve()
  private refreshQueued = false
  isClosed = false
  private readonly ping: ReturnType<typeof setInterval>

  constructor(private readonly backend: TestBackend, readonly socket: ClientSocket) {
    // Convex servers ping idle sockets so that clients do not reconnect after 60 s of silence.
    this.ping = realSetInterval(() => this.send({ type: 'Ping' }), 15_000)
    ;(this.ping as any).unref?.()
  }

  receive(data: string) {
    this.backend.handle(this, JSON.parse(data))
  }

  closed() {
    this.isClosed = true
    realClearInterval(this.ping)
    this.backend.forget(this)
  }

  send(message: object) {
    if (!this.isClosed) {
      this.backend.stats.messagesOut++
      this.socket.deliver(JSON.stringify(message))
    }
  }

  /** Runs `task` after every earlier one: transitions must chain version to version. */
  task(task: () => Promise<void> | void): Promise<void> {
    const run = this.outbox.then(() => (this.isClosed ? undefined : task()))
    this.outbox = this.backend.track(run.catch(e => this.backend.internalError(e)))
    return this.outbox
  }

  /** Queue one re-evaluation of the query set, coalescing repeated requests. */
  refresh() {
    if (this.refreshQueued)
      return
    this.refreshQueued = true
    void this.task(() => {
      this.refreshQueued = false
      return this.backend.sync(this)
    })
  }
}

/**
 * An in-memory Convex deployment: your schema and functions, run by convex-test, served over
 * Convex's sync protocol to real `ConvexClient`s through {@link TestBackend.WebSocket}.
 */
export class TestBackend implements SocketHost {
  /** The convex-test instance, for anything this class does not wrap. */
  readonly t: ReturnType<typeof convexTest>
  /** Pass as `webSocketConstructor` to a `ConvexClient`. */
  readonly WebSocket: typeof InMemoryWebSocket
  /** Wire counters, for tests and benchmarks. */
  readonly stats = { messagesIn: 0, messagesOut: 0, connectionsOpened: 0 }

  private ts = 1n
  private readonly connections = new Set<Connection>()
  /** Mutation responses by session and request id: a replayed mutation runs once. */
  private readonly mutations = new Map<string, Map<number, Promise<object>>>()
  private readonly sessionQueues = new Map<string, Promise<unknown>>()
  private readonly latencies = new Map<string, number>()
  private readonly failures = new Map<string, unknown[]>()
  private defaultLatency: number
  private identity: TestIdentity | null = null
  private online = true
  private requestCounter = 0
  private busy = 0
  private readonly lock: Lock
  private readonly onWrite = () => this.refreshAll()
  private readonly errors: unknown[] = []
  private readonly isPublic: ReturnType<typeof publicFunctions>

  constructor(options: TestBackendOptions) {
    const { schema, modules, latency = 0 } = options
    if (!modules || typeof modules !== 'object')
      throw new TypeError('[vueuse-convex] createTestConvex(): pass { modules: import.meta.glob(\'./convex/**/*.ts\') } (including convex/_generated).')
    const g = globalThis as any
    // eslint-disable-next-line node/prefer-global/process -- probing: browsers have no process
    const isNode = !!g.process?.versions?.node
    // Running functions in the page is this package's purpose: tell convex/server it is deliberate,
    // and give them the `process.env` that Convex's runtime has (convex/_generated/server reads it).
    if (typeof window !== 'undefined')
      (window as any).__convexAllowFunctionsInBrowser = true
    // eslint-disable-next-line node/prefer-global/process -- the stand-in for browsers
    g.process ??= { env: {} }
    this.t = convexTest(schema as any, modules)
    this.isPublic = publicFunctions(modules)
    installWriteHook()
    writeListeners.add(this.onWrite)
    this.defaultLatency = latency
    this.lock = new Lock(options.serialize ?? !isNode)
    const host: SocketHost = { accept: socket => this.accept(socket) }
    this.WebSocket = class extends InMemoryWebSocket {
      constructor(url: string) {
        super(url, host)
      }
    }
  }

  // ---- the test-facing API -------------------------------------------------------------

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.connections.size
  }

  /** Number of distinct query subscriptions on the wire, over all connections. */
  get subscriptionCount(): number {
    let n = 0
    for (const c of this.connections) n += c.queries.size
    return n
  }

  /** Errors inside the backend itself (a bug, not a function failure); tests may assert none. */
  get internalErrors(): readonly unknown[] {
    return this.errors
  }

  /**
   * Sets the identity of connections whose client has not sent a token
   * (`null`: signed out). Subscribed queries re-run with it.
   */
  setIdentity(identity: TestIdentity | null): void {
    this.identity = identity
    this.refreshAll()
  }

  /** Latency in ms before a function runs: for every function, or for one. */
  setLatency(ms: number): void
  setLatency(fn: FunctionSelector, ms: number): void
  setLatency(a: number | FunctionSelector, b?: number): void {
    if (typeof a === 'number')
      this.defaultLatency = a
    else
      this.latencies.set(udfPathOf(a), b ?? 0)
  }

  /** The next call of `fn` fails with `error` (a `ConvexError` keeps its data) without running. */
  failNext(fn: FunctionSelector, error: unknown = new Error('Injected failure (backend.failNext)')): void {
    const key = udfPathOf(fn)
    const list = this.failures.get(key) ?? []
    list.push(typeof error === 'string' ? new Error(error) : error)
    this.failures.set(key, list)
  }

  /** Drops every connection as a network failure would; clients reconnect by themselves. */
  disconnect(): void {
    for (const c of [...this.connections])
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
    const result = await this.exec(() => this.t.run(fn as any) as Promise<T>)
    await this.settled()
    return result
  }

  /** Runs scheduled functions that are due (advancing fake timers with `advanceTimers`). */
  async finishScheduled(advanceTimers: () => void = () => {}): Promise<void> {
    await this.t.finishAllScheduledFunctions(advanceTimers)
    await this.settled()
  }

  /**
   * Resolves once the backend is quiet and every frame has reached the clients: await it
   * before asserting on what a component shows.
   */
  async flush(): Promise<void> {
    let quietTicks = 0
    for (let i = 0; i < 10_000 && quietTicks < 3; i++) {
      await tick()
      const quiet = this.busy === 0 && [...this.connections].every(c => c.socket.idle)
      quietTicks = quiet ? quietTicks + 1 : 0
    }
  }

  /** Closes every connection for good and detaches from the write hook. */
  close(): void {
    this.online = false
    writeListeners.delete(this.onWrite)
    this.disconnect()
  }

  // ---- the protocol --------------------------------------------------------------------

  /**
   * A new socket connects.
   * @internal
   */
  accept(socket: ClientSocket): ServerConnection | null {
    if (!this.online)
      return null
    const connection = new Connection(this, socket)
    this.connections.add(connection)
    this.stats.connectionsOpened++
    return connection
  }

  /** @internal */
  forget(connection: Connection) {
    this.connections.delete(connection)
  }

  /** @internal */
  track<T>(promise: Promise<T>): Promise<T> {
    this.busy++
    return promise.finally(() => this.busy--)
  }

  /** @internal */
  internalError(e: unknown) {
    this.errors.push(e)
  }

  /**
   * One client message.
   * @internal
   */
  handle(c: Connection, message: any) {
    this.stats.messagesIn++
    switch (message.type) {
      case 'Connect':
        c.sessionId = message.sessionId
        break
      case 'ModifyQuerySet':
        void c.task(() => this.modifyQuerySet(c, message))
        break
      case 'Authenticate':
        void c.task(() => this.authenticate(c, message))
        break
      case 'Mutation':
        this.mutation(c, message)
        break
      case 'Action':
        void this.track(this.action(c, message)).catch(e => this.internalError(e))
        break
      case 'Event':
        break
      default:
        c.send({ type: 'FatalError', error: `Unknown message type ${JSON.stringify(message.type)}` })
    }
  }

  private refreshAll() {
    for (const c of this.connections) c.refresh()
  }

  /** Waits until every queued query refresh has been sent. */
  private async settled() {
    for (let i = 0; i < 1000 && this.busy > 0; i++)
      await tick()
  }

  private async modifyQuerySet(c: Connection, message: any) {
    if (message.baseVersion !== c.version.querySet) {
      c.send({ type: 'FatalError', error: `ModifyQuerySet baseVersion ${message.baseVersion} != ${c.version.querySet}` })
      return
    }
    const removed: number[] = []
    let wait = 0
    for (const m of message.modifications) {
      if (m.type === 'Add') {
        const udfPath = normalizeUdfPath(m.udfPath)
        const refused = oversized(udfPath, m.args?.[0])
        c.queries.set(m.queryId, { udfPath, args: refused ? {} : jsonToConvex(m.args?.[0] ?? {}), journal: m.journal ?? null, refused })
        wait = Math.max(wait, this.latencyOf(udfPath))
      }
      else if (m.type === 'Remove') {
        c.queries.delete(m.queryId)
        removed.push(m.queryId)
      }
    }
    await sleep(wait)
    await this.sync(c, { querySet: message.newVersion, removed })
  }

  private async authenticate(c: Connection, message: any) {
    if (message.baseVersion !== c.version.identity) {
      c.send({ type: 'FatalError', error: `Authenticate baseVersion ${message.baseVersion} != ${c.version.identity}` })
      return
    }
    if (message.tokenType === 'None') {
      c.tokenIdentity = undefined
    }
    else {
      const claims = message.tokenType === 'User' ? decodeJwt(message.value) : null
      const problem = !claims
        ? 'the token is not a JWT'
        : typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()
          ? 'the token has expired'
          : typeof claims.sub !== 'string' ? 'the token has no `sub` claim' : null
      if (problem) {
        // Never echo the token itself.
        c.send({ type: 'AuthError', error: `Could not verify the auth token: ${problem}`, baseVersion: message.baseVersion, authUpdateAttempted: true })
        return
      }
      const { sub, iss = 'https://convex.test', ...rest } = claims as Record<string, any>
      c.tokenIdentity = { ...rest, subject: sub, issuer: iss, tokenIdentifier: `${iss}|${sub}` }
    }
    await this.sync(c, { identity: message.baseVersion + 1, force: true })
  }

  private mutation(c: Connection, message: any) {
    const session = c.sessionId
    let bySession = this.mutations.get(session)
    if (!bySession) {
      bySession = new Map()
      this.mutations.set(session, bySession)
    }
    let response = bySession.get(message.requestId)
    if (!response) {
      // Mutations of one client run in the order it sent them, as on Convex.
      const previous = this.sessionQueues.get(session) ?? Promise.resolve()
      response = previous.then(() => this.runMutation(c, message))
      this.sessionQueues.set(session, response.catch(() => {}))
      // Kept for the session's lifetime: a client may replay any mutation it has not seen
      // complete, however many were in flight, and each must run exactly once.
      bySession.set(message.requestId, response)
    }
    void this.track(response.then(r => c.task(async () => {
      c.send(r)
      // A successful mutation resolves on the client once a Transition reaches its ts.
      if ((r as any).success)
        await this.sync(c, { force: true })
    }))).catch(e => this.internalError(e))
  }

  private runMutation(c: Connection, message: any): Promise<object> {
    return this.respond(c, 'MutationResponse', message, () => {
      this.ts += 1n
      this.refreshAll()
      return { ts: encodeTs(this.ts) }
    })
  }

  private async action(c: Connection, message: any) {
    const response = await this.respond(c, 'ActionResponse', message)
    // A connection that dropped meanwhile is gone: the client already failed the action.
    await c.task(() => c.send(response))
  }

  /**
   * Runs the mutation or action of `message` after its latency, and builds the response the
   * client expects: the result, or the failure with its `errorData`. `committed` adds fields
   * to a success (a mutation's commit timestamp).
   */
  private async respond(c: Connection, type: 'MutationResponse' | 'ActionResponse', message: any, committed?: () => object): Promise<object> {
    const udfPath = normalizeUdfPath(message.udfPath)
    await this.delay(udfPath)
    const kind = type === 'MutationResponse' ? 'mutation' : 'action'
    try {
      // Measured on the arguments as they arrived, as query arguments are when subscribed.
      const refused = oversized(udfPath, message.args?.[0])
      if (refused)
        throw refused
      const value = await this.call(c, kind, udfPath, jsonToConvex(message.args?.[0] ?? {}))
      return { type, requestId: message.requestId, success: true, result: convexToJson(value as Value), ...committed?.(), logLines: [] }
    }
    catch (e) {
      const failure = this.failure(e)
      return { type, requestId: message.requestId, success: false, result: failure.message, errorData: failure.errorData, logLines: [] }
    }
  }

  /**
   * Re-runs the connection's queries and sends one Transition with what changed,
   * moving the client to the backend's current timestamp.
   * @internal
   */
  async sync(c: Connection, options: { querySet?: number, identity?: number, removed?: number[], force?: boolean } = {}) {
    const ts = this.ts
    const modifications: object[] = (options.removed ?? []).map(queryId => ({ type: 'QueryRemoved', queryId }))
    for (const [queryId, query] of c.queries) {
      let key: string
      let modification: object
      try {
        if (query.refused)
          throw query.refused
        const result = await this.call(c, 'query', query.udfPath, argsWithJournal(query))
        if (query.journal === null && isPaginationResult(result))
          query.journal = JSON.stringify({ endCursor: result.continueCursor })
        const value = convexToJson(result as Value)
        key = `ok:${JSON.stringify(value)}`
        modification = { type: 'QueryUpdated', queryId, value, logLines: [], journal: query.journal }
      }
      catch (e) {
        const failure = this.failure(e)
        key = `error:${failure.message.replace(/\[Request ID: \w+\] /, '')}:${JSON.stringify(failure.errorData)}`
        modification = { type: 'QueryFailed', queryId, errorMessage: failure.message, errorData: failure.errorData, logLines: [], journal: query.journal }
      }
      // The query may have been removed while it ran.
      if (c.queries.get(queryId) === query && key !== query.last) {
        query.last = key
        modifications.push(modification)
      }
    }
    const end: Version = {
      querySet: options.querySet ?? c.version.querySet,
      identity: options.identity ?? c.version.identity,
      ts: ts > c.version.ts ? ts : c.version.ts,
    }
    const changedVersion = end.querySet !== c.version.querySet || end.identity !== c.version.identity
    if (!modifications.length && !changedVersion && !options.force)
      return
    const wire = (v: Version) => ({ querySet: v.querySet, identity: v.identity, ts: encodeTs(v.ts) })
    c.send({ type: 'Transition', startVersion: wire(c.version), endVersion: wire(end), modifications })
    c.version = end
  }

  private latencyOf(udfPath: string): number {
    return this.latencies.get(udfPath) ?? this.defaultLatency
  }

  private delay(udfPath: string): Promise<void> {
    return sleep(this.latencyOf(udfPath))
  }

  /**
   * Runs a public function of `kind` as the connection's identity, unless a failure was
   * injected for it; a deployment's refusal for an internal or missing function or the
   * wrong kind. (Argument sizes are checked where the arguments arrive.)
   */
  private async call(c: Connection, kind: 'query' | 'mutation' | 'action', udfPath: string, args: Value): Promise<unknown> {
    await this.isPublic(udfPath, kind)
    const injected = this.failures.get(udfPath)
    if (injected?.length)
      throw injected.shift()
    const identity = c.tokenIdentity ?? this.identity
    const accessor = identity ? this.t.withIdentity(identity as any) : this.t
    const path = { udfPath, componentPath: '' }
    return this.exec(() => {
      const run = kind === 'query'
        ? (accessor as any).queryFromPath(path, args)
        : kind === 'mutation'
          ? (accessor as any).mutationFromPath(path, args)
          : (accessor as any).actionFromPath(path, args)
      return run as Promise<unknown>
    })
  }

  private exec<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(() => escapeContext(fn))
  }

  /** A failure as the Convex server reports it: message, and `errorData` for a ConvexError. */
  private failure(e: unknown): Failure {
    const requestId = (++this.requestCounter).toString(16).padStart(16, '0')
    const prefix = `[Request ID: ${requestId}] Server Error\n`
    if (isConvexError(e))
      return { message: `${prefix}Uncaught ConvexError: ${e.message}`, errorData: convexToJson((e.data ?? null) as Value) }
    const message = e instanceof Error ? e.message : String(e)
    // Argument validation and the deployment's own refusals read as on a deployment; errors
    // thrown by the app's code as "Uncaught Error: ...".
    const text = message.startsWith('Validator error: ')
      ? `ArgumentValidationError: ${message.slice('Validator error: '.length)}`
      : e instanceof DeploymentError
        ? message
        : `Uncaught ${e instanceof Error ? e.name : 'Error'}: ${message}`
    return { message: prefix + text }
  }
}

export { ConvexError }
