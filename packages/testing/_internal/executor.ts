// The engine room: convex-test runs the app's functions; this file decides which a caller may
// run, in which context, and how a failure reads on the wire — the part every entry point
// (sync protocol, HTTP API, HTTP actions, crons) shares.
import type { GenericSchema, SchemaDefinition } from 'convex/server'
import type { JSONValue, Value } from 'convex/values'
import type { Clock } from './clock'
import type { Environment } from './environment'
import type { FunctionKind } from './functions'
import type { DeploymentKey } from './signing'
import { AsyncLocalStorage } from 'node:async_hooks'
import { convexTest } from 'convex-test'
import { getFunctionName } from 'convex/server'
import { convexToJson, jsonToConvex } from 'convex/values'
import { routeTimers } from './clock'
import { clientMutation } from './commits'
import { followEnvironment } from './environment'
import { DeploymentError, publicFunctions } from './functions'
import { base64UrlBytes, bytesToBase64 } from './wire'

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

/** A component's test helper: registers it (and the components it uses) under `name`. */
export type RegisterComponent = (t: any, name: string) => void

/**
 * A Convex component to register: what its `/test` entry exports — `{ schema, modules }`, and
 * its helper that registers it with the components it uses itself under the name it is given
 * (`register`, or one named `register…`: Convex Auth's `registerPassword`).
 */
export interface TestComponent {
  schema?: SchemaDefinition<GenericSchema, boolean>
  modules: Record<string, () => Promise<any>>
  register?: RegisterComponent
  [helper: `register${string}`]: RegisterComponent | undefined
}

/**
 * Registers `component` under `name` on `t`: with its `/test` entry's helper when it has one
 * (`register`, or its only `register…` function), which also registers the components it nests
 * (`<name>/rateLimiter`), and otherwise as `{ schema, modules }`. A module namespace
 * (`import * as x from '…/test'`) is read through its default export.
 */
export function registerComponent(t: { registerComponent: (name: string, schema: any, modules: any) => unknown }, name: string, given: TestComponent | { default: TestComponent }): void {
  const component = (given && typeof (given as TestComponent).modules !== 'object' && 'default' in given ? given.default : given) as TestComponent
  if (!component || typeof component.modules !== 'object')
    throw new TypeError(`[vueuse-convex] createTestConvex(): components.${name} needs { schema, modules }, as a component's test entry exports them (e.g. import rateLimiter from '@convex-dev/rate-limiter/test').`)
  const helpers = Object.keys(component).filter(key => key.startsWith('register') && typeof (component as any)[key] === 'function')
  const helper = typeof component.register === 'function' ? 'register' : helpers.length === 1 ? helpers[0] : undefined
  if (!helper && helpers.length > 1)
    throw new TypeError(`[vueuse-convex] createTestConvex(): components.${name} has several registering helpers (${helpers.join(', ')}): pass the one for this component, e.g. { ...${name}Test, register: ${name}Test.${helpers[0]} }.`)
  if (helper)
    (component as any)[helper](t, name)
  else
    t.registerComponent(name, component.schema, component.modules)
}

/** A failure as a deployment reports it. */
export interface Failure { message: string, errorData?: JSONValue }

/** Convex's limit on the size of a function's arguments. */
export const MAX_ARGS_BYTES = 16 * 1024 * 1024

/** Convex's limit on how deeply a value nests (an array or object: 1 + its deepest child). */
export const MAX_NESTING = 64

/**
 * How deeply a value (as `convexToJson` writes it) nests, as Convex counts: `{ $integer }`,
 * `{ $bytes }` and `{ $float }` are encoded primitives. Walked without recursion.
 */
function nestingOf(json: unknown): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[json, 0]]
  while (stack.length) {
    const [value, above] = stack.pop()!
    if (typeof value !== 'object' || value === null)
      continue
    const keys = Array.isArray(value) ? null : Object.keys(value)
    if (keys?.length === 1 && ['$integer', '$bytes', '$float'].includes(keys[0]))
      continue
    deepest = Math.max(deepest, above + 1)
    for (const child of Object.values(value)) stack.push([child, above + 1])
  }
  return deepest
}

/**
 * A deployment's refusal of arguments (as received JSON) over {@link MAX_ARGS_BYTES}, or nested
 * deeper than {@link MAX_NESTING} counting the list they travel in; else `undefined`.
 */
export function oversized(udfPath: string, json: unknown): DeploymentError | undefined {
  const size = JSON.stringify(json ?? {}).length
  if (size > MAX_ARGS_BYTES)
    return new DeploymentError(`ArgumentsTooLarge: the arguments of ${udfPath} are ${size} bytes, over Convex's limit of ${MAX_ARGS_BYTES} bytes (16 MiB).`)
  // Each level takes two characters at least ({} or []): short arguments cannot nest too deep.
  const nesting = size < 2 * MAX_NESTING ? 0 : 1 + nestingOf(json ?? {})
  if (nesting > MAX_NESTING)
    return new DeploymentError(`TooNestedError: Value is too nested (nested ${nesting} levels deep > maximum nesting ${MAX_NESTING})`)
  return undefined
}

/** `"module:function"`, with `.js` and a missing export name normalized as Convex does. */
export function normalizeUdfPath(udfPath: string): string {
  const [module, fn = 'default'] = udfPath.split(':')
  return `${module.replace(/\.js$/, '')}:${fn}`
}

/** The `"module:function"` name of a function selector. */
export function udfPathOf(fn: FunctionSelector): string {
  return normalizeUdfPath(typeof fn === 'string' ? fn : getFunctionName(fn as any))
}

function isConvexError(e: unknown): e is { message: string, data?: Value } {
  return typeof e === 'object' && e !== null && Symbol.for('ConvexError') in e
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
  '1.0/storageGenerateUploadUrl',
  '1.0/getUserIdentity',
  '1.0/actions/vectorSearch',
  '1.0/auditLog',
  'storage/getBlob',
])

/** What a query read, by table; `'*'`: it cannot be told (any write may change it). */
export type ReadSet = Set<string>
/** The tables a write touched; `'*'`: it cannot be told. */
export type WriteSet = ReadonlySet<string>

/** The table of a convex-test document id (`<counter><table>`). */
const tableOfId = (id: unknown) => typeof id === 'string' ? id.replace(/^\d+/, '') : '*'

/** The table an index name or query source reads (`"messages.by_author"` → `messages`). */
function tableOfSource(source: any): string {
  const name = source?.tableName ?? source?.indexName
  return typeof name === 'string' ? name.split('.')[0] : '*'
}

/** The tables syscall `op` reads (read ops) or writes (others); `'*'` when it cannot be told. */
function tablesOf(op: string, json: string): string[] {
  try {
    const args = JSON.parse(json)
    switch (op) {
      case '1.0/get':
      case '1.0/shallowMerge':
      case '1.0/replace':
      case '1.0/remove':
        return [typeof args.table === 'string' ? args.table : tableOfId(args.id)]
      case '1.0/insert':
      case '1.0/count':
        return [typeof args.table === 'string' ? args.table : '*']
      case '1.0/queryStream':
      case '1.0/queryPage':
        return [tableOfSource(args.query?.source)]
      case '1.0/storageGetUrl':
      case '1.0/storageDelete':
        return ['_storage']
      case '1.0/schedule':
      case '1.0/actions/schedule':
      case '1.0/cancel_job':
      case '1.0/actions/cancel_job':
        return ['_scheduled_functions']
      // The other reads touch no data (or are calls whose own syscalls are tracked); any
      // other write may touch anything.
      default:
        return READ_OPS.has(op) ? [] : ['*']
    }
  }
  catch {
    return ['*']
  }
}

/** Storage URLs convex-test makes; rewritten to the URL of the backend that made them. */
const CONVEX_TEST_ORIGIN = 'https://some-deployment.convex.cloud'

/** The executor running the current function (Node), or the last one that started one. */
const active = new AsyncLocalStorage<Executor>()
/** The read set of the subscribed query running in this context, if any. */
const reading = new AsyncLocalStorage<ReadSet>()
let lastActive: Executor | undefined
/** convex-test's context of the instance whose function runs (see {@link worldOf}). */
let worldStorage: AsyncLocalStorage<object> | undefined
/** The executor of each convex-test instance, by its per-instance state. */
const executorOfWorld = new WeakMap<object, Executor>()
/**
 * The executor whose function runs: the one that started it, else the one whose convex-test
 * instance runs it (a test calling `backend.t` directly), else the last one (browsers).
 */
const current = () => active.getStore() ?? executorOfWorld.get(worldStorage?.getStore() ?? executorOfWorld) ?? lastActive

let escapeContext: <R>(fn: () => R) => R = fn => fn()

/**
 * Wraps the `Convex` global that convex-test installs (shared by every instance): writes,
 * wherever they come from (mutations, actions, scheduled functions, `run`), reach the
 * executor that ran them, and storage URLs name that executor's backend.
 */
function installSyscallHook() {
  const g = globalThis as any
  if (!g.Convex || g.Convex.__vueuseConvexHook)
    return
  const original = g.Convex
  escapeContext = AsyncLocalStorage.snapshot() as typeof escapeContext
  const wrapped = new WeakMap<(...args: any[]) => Promise<string>, (...args: any[]) => Promise<string>>()
  const wrappedSync = new WeakMap<(...args: any[]) => string, (...args: any[]) => string>()
  const wrappedJs = new WeakMap<(...args: any[]) => Promise<any>, (...args: any[]) => Promise<any>>()
  g.Convex = {
    __vueuseConvexHook: true,
    get syscall() {
      // Synchronous reads (`1.0/queryStream` starts every `ctx.db.query`).
      const inner = original.syscall
      let outer = wrappedSync.get(inner)
      if (!outer) {
        outer = (op: string, args: string) => {
          const reads = reading.getStore()
          if (reads)
            tablesOf(op, args).forEach(table => reads.add(table))
          return inner(op, args)
        }
        wrappedSync.set(inner, outer)
      }
      return outer
    },
    get jsSyscall() {
      const inner = original.jsSyscall
      let outer = wrappedJs.get(inner)
      if (!outer) {
        outer = async (op: string, args: any) => {
          const executor = current()
          // convex-test (0.0.73) stores an action's file in a transaction of its own, which
          // waits for the one running, and records its content type as a deployment does.
          const result = await inner(op, args)
          if (executor && op === 'storage/storeBlob')
            escapeContext(() => executor.wrote(new Set(['_storage'])))
          return result
        }
        wrappedJs.set(inner, outer)
      }
      return outer
    },
    get asyncSyscall() {
      const inner = original.asyncSyscall
      let outer = wrapped.get(inner)
      if (!outer) {
        outer = async (op: string, args: string) => {
          const executor = current()
          const reads = READ_OPS.has(op) ? reading.getStore() : undefined
          if (reads)
            tablesOf(op, args).forEach(table => reads.add(table))
          // A scheduled function's timer is one of the backend's clock (it follows fake timers).
          const result = executor && (op === '1.0/schedule' || op === '1.0/actions/schedule')
            ? await routeTimers(executor.clock, () => inner(op, args))
            : await inner(op, args)
          if (executor && (op === '1.0/storageGetUrl' || op === '1.0/storageGenerateUploadUrl'))
            return result.replace(CONVEX_TEST_ORIGIN, executor.url)
          if (executor && !READ_OPS.has(op)) {
            const tables = new Set(tablesOf(op, args))
            escapeContext(() => executor.wrote(tables))
          }
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

export interface ExecutorOptions {
  schema?: SchemaDefinition<GenericSchema, boolean>
  modules: Record<string, () => Promise<any>>
  components?: Record<string, TestComponent | { default: TestComponent }>
  latency?: number
  serialize?: boolean
  /** Called after any write with the tables it touched, outside convex-test's contexts. */
  onWrite: (tables: WriteSet) => void
  /** The backend's clock: latency and scheduled functions are its timers. */
  clock: Clock
  /** The deployment's environment variables its functions see in `process.env`. */
  environment: () => Environment
  /** Whether functions see the process's variables under the deployment's. @default true */
  inheritEnv?: boolean
  /** The backend's own key, which `ctx.auth.signJwt` signs with. @default convex-test's key of this instance */
  signingKey?: Promise<DeploymentKey>
}

let backends = 0

/**
 * A backend's data as plain JSON: each component's documents (system fields and all, values as
 * `convexToJson` writes them), its stored files and its id counter. What `backend.exportData()`
 * gives and `importData()` takes; the local backend (`vueuse-convex dev`) keeps one on disk.
 */
export interface BackendData {
  format: 'vueuse-convex-data/1'
  /** By component path (`''`: the app itself). */
  components: Record<string, {
    documents: JSONValue[]
    /** Stored files by storage id: content type and bytes (base64). */
    files: Record<string, { type: string, base64: string }>
    nextDocId: number
    lastCreationTime: number
  }>
}

/** What convex-test keeps per component (its `DatabaseFake`): read and written as a whole. */
interface Database {
  _documents: Record<string, Record<string, unknown>>
  /** The ids of `_documents` by table: what queries scan (kept in step with `_documents`). */
  _tableIds: Map<string, Set<string>>
  _storage: Record<string, Blob>
  _nextDocId: number
  _lastCreationTime: number
  _validate: (table: string, document: Record<string, unknown>) => void
}

/** convex-test's lock over the transactions of one instance (its `TransactionManager`). */
interface TransactionManager {
  isInTransaction: () => boolean
  /** Settles when the transaction running now ends (`null`: none runs). */
  _waitOnCurrentFunction: Promise<void> | null
}

/**
 * The per-instance state convex-test runs functions in (its components and their databases),
 * taken from the context it enters on every call: convex-test has no accessor for it.
 */
function worldOf(t: ReturnType<typeof convexTest>): { components: Record<string, { db: Database }>, transactionManager?: TransactionManager } | undefined {
  const proto = AsyncLocalStorage.prototype as any
  const run = proto.run
  let world: any
  proto.run = function (this: unknown, store: any, ...rest: unknown[]) {
    if (!world && store?.components && store?.transactionManager) {
      world = store
      worldStorage = this as AsyncLocalStorage<object>
    }
    return run.call(this, store, ...rest)
  }
  try {
    void (t as any).finishInProgressScheduledFunctions()
  }
  finally {
    proto.run = run
  }
  return world
}

/**
 * Runs the app's functions with convex-test for one backend: only public functions for
 * clients, with injected latency and failures, as the caller's identity.
 */
export class Executor {
  readonly t: ReturnType<typeof convexTest>
  /** The deployment URL clients and storage URLs use (a `.test` name that never resolves). */
  url = `https://backend-${++backends}.convex.test`
  /** The commit timestamp: it moves on every write. */
  ts = 1n
  /** Identity of callers that sent no token (`backend.setIdentity`). */
  identity: TestIdentity | null = null
  defaultLatency: number
  readonly latencies = new Map<string, number>()
  readonly failures = new Map<string, unknown[]>()
  private requestCounter = 0
  private readonly lock: Lock
  /** Clients' calls wait for this while the deployment is not ready (deploy-time cron runs). */
  private gate: Promise<unknown> | undefined
  /** The modules of each registered component, by component path (nested ones: `auth/rateLimiter`). */
  readonly componentModules = new Map<string, Record<string, () => Promise<any>>>()
  private readonly isPublic: ReturnType<typeof publicFunctions>
  private readonly onWrite: (tables: WriteSet) => void
  private readonly world: ReturnType<typeof worldOf>
  readonly clock: Clock
  readonly environment: () => Environment
  readonly inheritEnv: boolean
  closed = false

  constructor(options: ExecutorOptions) {
    const g = globalThis as any
    // eslint-disable-next-line node/prefer-global/process -- probing: browsers have no process
    const isNode = !!g.process?.versions?.node
    // Running functions in the page is this package's purpose: tell convex/server it is deliberate,
    // and give them the `process.env` that Convex's runtime has (convex/_generated/server reads it).
    if (typeof window !== 'undefined')
      (window as any).__convexAllowFunctionsInBrowser = true
    // eslint-disable-next-line node/prefer-global/process -- the stand-in for browsers
    g.process ??= { env: {} }
    this.t = convexTest(options.schema as any, options.modules)
    // Every component a helper registers (nested ones included), with its modules: its crons.ts runs.
    const t = this.t as unknown as { registerComponent: (path: string, schema: unknown, modules: Record<string, () => Promise<any>>) => unknown }
    const register = t.registerComponent
    const recording = { registerComponent: (path: string, schema: unknown, modules: Record<string, () => Promise<any>>) => {
      this.componentModules.set(path, modules)
      return register(path, schema, modules)
    } }
    for (const [name, component] of Object.entries(options.components ?? {}))
      registerComponent({ ...t, ...recording } as typeof t, name, component)
    // A module loads when first called, before its function runs: in this backend's context,
    // so that what it reads of process.env as it loads (a provider's client id) is this backend's.
    this.isPublic = publicFunctions(options.modules, load => active.run(this, load))
    this.defaultLatency = options.latency ?? 0
    this.lock = new Lock(options.serialize ?? !isNode)
    this.onWrite = options.onWrite
    this.clock = options.clock
    this.environment = options.environment
    this.inheritEnv = options.inheritEnv ?? true
    followEnvironment(() => {
      // Browsers have no async context across every await, but run one function at a time: the last one to run.
      const executor = active.getStore() ?? executorOfWorld.get(worldStorage?.getStore() ?? executorOfWorld) ?? (isNode ? undefined : lastActive)
      return executor && { env: executor.environment(), inherit: executor.inheritEnv }
    })
    this.world = worldOf(this.t)
    if (this.world)
      executorOfWorld.set(this.world, this)
    // `ctx.auth.signJwt` signs with the backend's key: convex-test reads it from its instance.
    if (this.world && options.signingKey)
      (this.world as { deploymentJwtKey?: Promise<DeploymentKey> }).deploymentJwtKey = options.signingKey
    installSyscallHook()
  }

  private databases(): Record<string, Database> {
    if (!this.world)
      throw new Error('[vueuse-convex] This version of convex-test keeps its data where the in-memory backend cannot read it: install the convex-test version @vueuse-convex/testing pins.')
    return Object.fromEntries(Object.entries(this.world.components).map(([path, { db }]) => [path, db]))
  }

  /** Every committed document and file of every component, as JSON. */
  async exportData(): Promise<BackendData> {
    const components: BackendData['components'] = {}
    for (const [path, db] of Object.entries(this.databases())) {
      const files: Record<string, { type: string, base64: string }> = {}
      for (const [id, blob] of Object.entries(db._storage))
        files[id] = { type: blob.type, base64: bytesToBase64(new Uint8Array(await blob.arrayBuffer())) }
      components[path] = {
        documents: Object.values(db._documents).map(document => convexToJson(document as Value)),
        files,
        nextDocId: db._nextDocId,
        lastCreationTime: db._lastCreationTime,
      }
    }
    return { format: 'vueuse-convex-data/1', components }
  }

  /**
   * Replaces the data of every component `data` names with it, each document checked against
   * the schema as a deployment checks existing data on a push; nothing changes when one fails.
   */
  importData(data: BackendData): void {
    if (data?.format !== 'vueuse-convex-data/1' || typeof data.components !== 'object')
      throw new TypeError('[vueuse-convex] importData(): not data that exportData() wrote (its format is "vueuse-convex-data/1").')
    const databases = this.databases()
    const next = new Map<Database, Record<string, Record<string, unknown>>>()
    for (const [path, component] of Object.entries(data.components)) {
      const db = databases[path]
      if (!db)
        throw new Error(`[vueuse-convex] importData(): the data has a component ${JSON.stringify(path)} that this backend does not register (pass it in components).`)
      const documents: Record<string, Record<string, unknown>> = {}
      for (const json of component.documents) {
        const document = jsonToConvex(json) as Record<string, unknown>
        const { _id, _creationTime, ...fields } = document
        const table = tableOfId(_id)
        try {
          db._validate(table, fields)
        }
        catch (e) {
          throw new Error(`[vueuse-convex] The schema does not accept the existing document ${String(_id)} of table "${table}": ${(e as Error).message.split('\n')[0]} Change the schema (or migrate the data) so that it does, as a deployment requires.`, { cause: e })
        }
        documents[_id as string] = document
      }
      next.set(db, documents)
    }
    for (const [path, component] of Object.entries(data.components)) {
      const db = databases[path]
      db._documents = next.get(db)!
      db._tableIds = new Map()
      for (const id of Object.keys(db._documents)) {
        const table = tableOfId(id)
        let ids = db._tableIds.get(table)
        if (!ids)
          db._tableIds.set(table, ids = new Set())
        ids.add(id)
      }
      db._storage = Object.fromEntries(Object.entries(component.files).map(([id, file]) => [id, new Blob([base64UrlBytes(file.base64)], { type: file.type })]))
      db._nextDocId = component.nextDocId
      db._lastCreationTime = component.lastCreationTime
    }
    this.wrote(new Set(['*']))
  }

  /**
   * A function of this backend wrote: the commit timestamp moves, subscriptions re-run.
   * @internal
   */
  wrote(tables: WriteSet) {
    if (this.closed)
      return
    this.ts += 1n
    this.onWrite(tables)
  }

  latencyOf(udfPath: string): number {
    return this.latencies.get(udfPath) ?? this.defaultLatency
  }

  /** Waits the latency set for `udfPath` on the backend's clock (no wait, not even a turn, for none). */
  delay(udfPath: string): Promise<void> | undefined {
    return this.sleep(this.latencyOf(udfPath))
  }

  /** Waits `ms` on the backend's clock; `undefined` (nothing to await) for 0. */
  sleep(ms: number): Promise<void> | undefined {
    return ms > 0 ? this.clock.sleep(ms) : undefined
  }

  /** The accessor that runs functions as `identity` (`null`: signed out). */
  as(identity: TestIdentity | null) {
    return identity ? this.t.withIdentity(identity as any) : this.t
  }

  /**
   * Runs a public function of `kind` (`'any'`: whichever it is) as `identity`, unless a failure
   * was injected for it; a deployment's refusal for an internal or missing function or the
   * wrong kind. `reads` collects the tables a query reads (its subscription's read set).
   */
  async call(identity: TestIdentity | null, kind: FunctionKind | 'any', udfPath: string, args: Value, reads?: ReadSet, request?: string): Promise<unknown> {
    if (this.gate)
      await this.gate
    const checked = this.isPublic(udfPath, kind === 'any' ? undefined : kind)
    const actual = typeof checked === 'string' ? checked : await checked
    const injected = this.failures.get(udfPath)
    if (injected?.length)
      throw injected.shift()
    const accessor = this.as(identity) as any
    const path = { udfPath, componentPath: '' }
    if (actual === 'action')
      return this.exec(() => accessor.actionFromPath(path, args))
    const run = () => actual === 'query' ? accessor.queryFromPath(path, args) : accessor.mutationFromPath(path, args)
    // In the function's own context (exec leaves the caller's): a subscription's read set, or the
    // client's mutation its commit is tagged with.
    if (reads)
      return this.exec(() => reading.run(reads, run))
    return this.exec(request ? () => clientMutation.run({ key: request, claimed: false }, run) : run)
  }

  /** Runs an action outside any transaction (HTTP actions, uploads). */
  action<T>(fn: () => Promise<T>): Promise<T> {
    return this.exec(fn)
  }

  /** Runs any function, public or internal, of the app or of a component, as the scheduler and crons do. */
  callAny(udfPath: string, args: Value, componentPath = ''): Promise<unknown> {
    return this.exec(() => (this.t as any).fun({ udfPath: normalizeUdfPath(udfPath), componentPath }, args))
  }

  /** Clients' calls wait until `ready` settles (whichever way). */
  waitFor(ready: Promise<unknown>): void {
    const gate = this.gate = ready.then(() => {}, () => {}).then(() => {
      if (this.gate === gate)
        this.gate = undefined
    })
  }

  /** Runs `fn` in this backend's context, one at a time where the lock is on. */
  exec<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(() => escapeContext(() => {
      // eslint-disable-next-line ts/no-this-alias -- browsers have no async context: the last one to run
      lastActive = this
      return active.run(this, fn)
    }))
  }

  /** A failure as the Convex server reports it: message, and `errorData` for a ConvexError. */
  failure(e: unknown): Failure {
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

  close() {
    this.closed = true
    if (lastActive === this)
      lastActive = undefined
  }
}
