// Convex's sync protocol, server side (see convex/src/browser/sync/): one Connection per
// client socket with its query set, identity and versions, and the sessions' mutation log.
import type { Value } from 'convex/values'
import type { Clock, ClockTimer } from './clock'
import type { AcknowledgedRequest } from './commits'
import type { Executor, ReadSet, TestIdentity, WriteSet } from './executor'
import type { AuthenticateMessage, ClientMessage, ModifyQuerySetMessage, RequestMessage } from './frames'
import type { FunctionKind } from './functions'
import type { ClientSocket, ServerConnection } from './socket'
import { convexToJson, jsonToConvex } from 'convex/values'
import { AuthFailure } from './auth'
import { requestKey } from './commits'
import { normalizeUdfPath, oversized } from './executor'
import { InvalidFrame, parseClientMessage } from './frames'
import { DeploymentError } from './functions'
import { MutationLog } from './mutationLog'
import { nextTask } from './socket'
import { decodeJwt, encodeTs } from './wire'

/**
 * How often the server pings: within the client's 60 s inactivity limit. A timer of the backend's
 * clock, so it follows a test's fake timers whenever they are switched on: however far the fake
 * clock jumps, it pings on the way, and the client never mistakes the jump for server silence.
 */
const PING_MS = 30_000
/** How many refusal reasons `authErrors` keeps (the latest). */
const MAX_AUTH_ERRORS = 1000

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
  /** The tables its last run read: a write elsewhere does not re-run it. */
  reads?: ReadSet
}

function touches(reads: ReadSet | undefined, tables: WriteSet): boolean {
  if (!reads || reads.has('*') || tables.has('*'))
    return true
  for (const table of tables) {
    if (reads.has(table))
      return true
  }
  return false
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

/** What a session needs of the backend. */
export interface SessionHost {
  executor: Executor
  /** The identity of a token, checked against the app's providers; throws an `AuthFailure` with the reason. */
  verifyToken: (token: unknown) => Promise<TestIdentity>
  /** Counts `promise` as work in progress until it settles (for `flush()`). */
  track: <T>(promise: Promise<T>) => Promise<T>
  /** A bug in the backend itself. */
  internalError: (e: unknown) => void
  /** Awaited after a mutation commits, before it is acknowledged (e.g. until it is on disk, its response with it). */
  acknowledge?: (request?: AcknowledgedRequest) => Promise<void> | undefined
  /** Awaited before a client is shown data (e.g. until every write so far is on disk). */
  publish?: () => Promise<void> | undefined
  /** The backend's timers. */
  clock: Clock
}

/** One client connection: its protocol version, its query set and its identity. */
export class Connection implements ServerConnection {
  sessionId = ''
  version: Version = { querySet: 0, identity: 0, ts: 0n }
  readonly queries = new Map<number, Query>()
  /** Queries to run at the next sync: new ones, and those a write or an identity change touched. */
  readonly dirty = new Set<number>()
  /** The query running now: a write meanwhile may have come after what it read. */
  running: number | undefined
  /** The query set version of the last ModifyQuerySet received, and of the last one applied. */
  querySetReceived = 0
  querySetApplied = 0
  /** Queries removed since the last Transition. */
  readonly removed: number[] = []
  /** `undefined`: no token was sent, so the backend's default identity applies. */
  tokenIdentity: TestIdentity | undefined
  private outbox: Promise<void> = Promise.resolve()
  private refreshQueued = false
  isClosed = false
  private ping: ClockTimer | undefined
  /** When the connection's token expires. */
  private expiry: ClockTimer | undefined
  /** Query set changes waiting (behind a latency) to be applied: later ones wait behind them. */
  queuedQuerySets = 0

  constructor(private readonly sessions: Sessions, readonly socket: ClientSocket) {
    this.armPing()
  }

  /**
   * Convex servers ping idle sockets so that clients do not reconnect after 60 s of silence.
   * The ping reaches the client at once (a ping carries no state, so it may pass queued
   * frames): under fake timers it lands inside the same jump of the clock.
   */
  private armPing() {
    this.ping = this.sessions.host.clock.setTimeout(() => {
      if (this.isClosed)
        return
      this.sessions.stats.messagesOut++
      this.socket.ping(JSON.stringify({ type: 'Ping' }))
      this.armPing()
    }, PING_MS, 'ping')
  }

  get identity(): TestIdentity | null {
    return this.tokenIdentity ?? this.sessions.host.executor.identity
  }

  /** The connection has sent a mutation (its first one tells which responses its client still needs). */
  sentMutation = false

  /**
   * A frame from the client. One that is not a message of the protocol (not JSON, a field
   * missing or of the wrong type, too large) ends this connection alone, with the reason.
   */
  receive(data: unknown) {
    let message: ClientMessage
    try {
      message = parseClientMessage(data)
      if (!this.sessionId && message.type !== 'Connect')
        throw new InvalidFrame(`The first message must be Connect, not ${message.type}.`)
    }
    catch (e) {
      this.refuse((e as Error).message)
      return
    }
    try {
      this.sessions.handle(this, message)
    }
    catch (e) {
      if (e instanceof InvalidFrame)
        return this.refuse(e.message)
      this.sessions.host.internalError(e)
      this.refuse(`InternalServerError: ${(e as Error)?.message ?? String(e)}`)
    }
  }

  /** Ends this connection, telling the client why (a FatalError, then the socket closes with the reason). */
  refuse(reason: string) {
    this.send({ type: 'FatalError', error: reason })
    this.socket.drop(reason)
  }

  /**
   * A deployment refuses a confirmed token once it expires: an AuthError the client did not
   * ask for (`authUpdateAttempted: false`), on which it fetches a fresh token. (A client
   * refreshes before that, unless its token fetcher hands out the same token again.)
   */
  expireAt(exp: unknown) {
    this.sessions.host.clock.clearTimeout(this.expiry)
    this.expiry = undefined
    if (typeof exp !== 'number')
      return
    const identity = this.tokenIdentity
    this.expiry = this.sessions.host.clock.setTimeout(() => {
      if (this.isClosed || this.tokenIdentity !== identity)
        return
      this.sessions.authErrors.push('Token expired')
      this.send({ type: 'AuthError', error: 'Token expired', baseVersion: this.version.identity - 1, authUpdateAttempted: false })
    }, Math.max(0, exp * 1000 - Date.now()), 'token')
  }

  closed() {
    if (this.isClosed)
      return
    this.isClosed = true
    if (this.sessionId)
      this.sessions.log.disconnected(this.sessionId)
    this.sessions.host.clock.clearTimeout(this.ping)
    this.sessions.host.clock.clearTimeout(this.expiry)
    this.sessions.connections.delete(this)
  }

  send(message: object) {
    if (!this.isClosed) {
      this.sessions.stats.messagesOut++
      this.socket.deliver(JSON.stringify(message))
    }
  }

  /** Runs `task` after every earlier one: transitions must chain version to version. */
  task(task: () => Promise<void> | void): Promise<void> {
    const run = this.outbox.then(() => (this.isClosed ? undefined : task()))
    this.outbox = this.sessions.host.track(run.catch(e => this.sessions.host.internalError(e)))
    return this.outbox
  }

  /**
   * A write touched `tables` (`undefined`: everything may have changed, e.g. the identity):
   * the queries that read them run again.
   */
  invalidate(tables?: WriteSet) {
    for (const [queryId, query] of this.queries) {
      if (!tables || queryId === this.running || touches(query.reads, tables))
        this.dirty.add(queryId)
    }
    if (this.dirty.size)
      this.refresh()
  }

  /** Queue one re-evaluation of the dirty queries, coalescing repeated requests. */
  refresh() {
    if (this.refreshQueued)
      return
    this.refreshQueued = true
    void this.task(async () => {
      // One macrotask later: frames the client already sent (a burst of subscriptions) are
      // applied first and answered by this one Transition.
      await new Promise<void>(resolve => nextTask(resolve))
      this.refreshQueued = false
      return this.sessions.sync(this)
    })
  }
}

/** Every connection of one backend, and what the protocol keeps per session. */
export class Sessions {
  readonly connections = new Set<Connection>()
  readonly stats = { messagesIn: 0, messagesOut: 0, connectionsOpened: 0 }
  /** Why each refused token was refused, in order (never the token). */
  readonly authErrors: string[] = []
  /** Mutation responses by session and request id: a replayed mutation runs once. */
  readonly log: MutationLog

  constructor(readonly host: SessionHost, replayRetentionMs?: number) {
    const { clock } = host
    this.log = new MutationLog(replayRetentionMs === undefined ? {} : { retentionMs: replayRetentionMs }, {
      now: () => clock.now(),
      after: (ms, fn) => {
        const timer = clock.setTimeout(fn, ms, 'retention')
        return () => clock.clearTimeout(timer)
      },
    })
  }

  private get executor() {
    return this.host.executor
  }

  open(socket: ClientSocket): Connection {
    const connection = new Connection(this, socket)
    this.connections.add(connection)
    this.stats.connectionsOpened++
    return connection
  }

  /** A write touched `tables` (`undefined`: anything, e.g. the default identity changed). */
  invalidate(tables?: WriteSet) {
    for (const c of this.connections) c.invalidate(tables)
  }

  /** One client message. */
  handle(c: Connection, message: ClientMessage) {
    this.stats.messagesIn++
    switch (message.type) {
      case 'Connect':
        if (c.sessionId)
          throw new InvalidFrame('Connect was sent twice on one connection.')
        c.sessionId = message.sessionId
        this.log.connected(c.sessionId)
        break
      case 'ModifyQuerySet':
        this.modifyQuerySet(c, message)
        break
      case 'Authenticate':
        void c.task(() => this.authenticate(c, message))
        break
      case 'Mutation':
        this.mutation(c, message)
        break
      case 'Action':
        void this.host.track(this.action(c, message)).catch(e => this.host.internalError(e))
        break
      case 'Event':
        break
    }
  }

  /**
   * Applies a change of the query set. Changes that arrive while a sync runs are answered
   * together by the next Transition (as a deployment batches them): subscribing N queries one
   * by one costs N runs, not N Transitions of every result.
   */
  private modifyQuerySet(c: Connection, message: ModifyQuerySetMessage) {
    if (message.baseVersion !== c.querySetReceived) {
      c.send({ type: 'FatalError', error: `ModifyQuerySet baseVersion ${message.baseVersion} != ${c.querySetReceived}` })
      return
    }
    c.querySetReceived = message.newVersion
    let wait = 0
    for (const m of message.modifications) {
      if (m.type === 'Add')
        wait = Math.max(wait, this.executor.latencyOf(normalizeUdfPath(m.udfPath)))
    }
    const apply = () => {
      for (const m of message.modifications) {
        if (m.type === 'Add') {
          const udfPath = normalizeUdfPath(m.udfPath)
          let refused = oversized(udfPath, m.args?.[0])
          let args: Value = {}
          try {
            if (!refused)
              args = jsonToConvex(m.args?.[0] ?? {})
          }
          catch (e) {
            refused = new DeploymentError(`Invalid arguments for ${udfPath}: ${(e as Error).message}`)
          }
          c.queries.set(m.queryId, { udfPath, args, journal: m.journal ?? null, refused })
          c.dirty.add(m.queryId)
        }
        else if (m.type === 'Remove') {
          c.queries.delete(m.queryId)
          c.dirty.delete(m.queryId)
          c.removed.push(m.queryId)
        }
      }
      c.querySetApplied = message.newVersion
    }
    // A connection's messages apply in the order it sent them, as on a deployment: a change
    // behind a latency holds back every later one, even a change that waits for nothing.
    if (wait > 0 || c.queuedQuerySets > 0) {
      c.queuedQuerySets++
      void c.task(async () => {
        await this.executor.sleep(wait)
        c.queuedQuerySets--
        apply()
        await this.sync(c)
      })
    }
    else {
      apply()
      c.refresh()
    }
  }

  private async authenticate(c: Connection, message: AuthenticateMessage) {
    if (message.baseVersion !== c.version.identity) {
      c.send({ type: 'FatalError', error: `Authenticate baseVersion ${message.baseVersion} != ${c.version.identity}` })
      return
    }
    if (message.tokenType === 'None') {
      c.tokenIdentity = undefined
      c.expireAt(undefined)
    }
    else {
      try {
        if (message.tokenType !== 'User')
          throw new AuthFailure(`Token type ${JSON.stringify(message.tokenType)} is not supported by the in-memory backend: use a user token (client.setAuth).`)
        c.tokenIdentity = await this.host.verifyToken(message.value)
        c.expireAt(decodeJwt(message.value!)?.exp)
      }
      catch (e) {
        if (!(e instanceof AuthFailure))
          throw e
        // Never echo the token itself.
        this.authErrors.push(e.message)
        if (this.authErrors.length > MAX_AUTH_ERRORS)
          this.authErrors.splice(0, this.authErrors.length - MAX_AUTH_ERRORS)
        c.send({ type: 'AuthError', error: e.message, baseVersion: message.baseVersion, authUpdateAttempted: true })
        return
      }
    }
    c.queries.forEach((_, queryId) => c.dirty.add(queryId))
    await this.sync(c, { identity: message.baseVersion + 1, force: true })
  }

  private mutation(c: Connection, message: RequestMessage) {
    // A new connection replays from the oldest mutation its client has not seen complete.
    if (!c.sentMutation) {
      c.sentMutation = true
      this.log.replayFrom(c.sessionId, message.requestId)
    }
    // Mutations of one client run once each, in the order it sent them, as on Convex.
    const response = this.log.respond(c.sessionId, message.requestId, () => this.respond(c, 'MutationResponse', message))
    void this.host.track(response.then(r => c.task(async () => {
      c.send(r)
      // A successful mutation resolves on the client once a Transition reaches its ts.
      if ((r as any).success)
        await this.sync(c, { force: true })
    }))).catch(e => this.host.internalError(e))
  }

  private async action(c: Connection, message: RequestMessage) {
    const response = await this.respond(c, 'ActionResponse', message)
    // Its result may show writes (its own, others'): only once they are kept.
    const kept = this.host.publish?.()
    if (kept) // no await without one: each is a turn of the microtask queue
      await kept
    // A connection that dropped meanwhile is gone: the client already failed the action.
    await c.task(() => c.send(response))
  }

  /**
   * Runs the mutation or action of `message` after its latency, and builds the response the
   * client expects: the result (with a mutation's commit timestamp), or the failure with its
   * `errorData`.
   */
  private async respond(c: Connection, type: 'MutationResponse' | 'ActionResponse', message: RequestMessage): Promise<object> {
    const udfPath = normalizeUdfPath(message.udfPath)
    const latency = this.executor.delay(udfPath)
    if (latency) // no await when there is none to wait: each is a turn of the microtask queue
      await latency
    const kind: FunctionKind = type === 'MutationResponse' ? 'mutation' : 'action'
    try {
      // Measured on the arguments as they arrived, as query arguments are when subscribed.
      const refused = oversized(udfPath, message.args?.[0])
      if (refused)
        throw refused
      const args = jsonToConvex(message.args?.[0] ?? {})
      if (kind === 'action') {
        const value = await this.executor.call(c.identity, kind, udfPath, args)
        return { type, requestId: message.requestId, success: true, result: convexToJson(value as Value), logLines: [] }
      }
      // Its transaction's commit names it (see clientMutation), and its response goes with it.
      const request = { session: c.sessionId, requestId: message.requestId }
      const value = await this.executor.call(c.identity, kind, udfPath, args, undefined, requestKey(request))
      const response = { type, requestId: message.requestId, success: true, result: convexToJson(value as Value), ts: encodeTs(this.executor.ts), logLines: [] }
      await this.host.acknowledge?.({ ...request, response })
      return response
    }
    catch (e) {
      const failure = this.executor.failure(e)
      return { type, requestId: message.requestId, success: false, result: failure.message, errorData: failure.errorData, logLines: [] }
    }
  }

  /**
   * Runs the connection's dirty queries and sends one Transition with what changed,
   * moving the client to the backend's current timestamp.
   */
  async sync(c: Connection, options: { identity?: number, force?: boolean } = {}) {
    const ts = this.executor.ts
    // What this Transition answers, taken at once: later changes go in the next one.
    const querySet = c.querySetApplied
    const modifications: object[] = c.removed.splice(0).map(queryId => ({ type: 'QueryRemoved', queryId }))
    const due = [...c.dirty]
    c.dirty.clear()
    for (const queryId of due) {
      const query = c.queries.get(queryId)
      if (!query)
        continue
      let key: string
      let modification: object
      // A failed run (an injected failure, a missing document) may pass on any write: re-run it.
      let reads: ReadSet | undefined = new Set()
      c.running = queryId
      try {
        if (query.refused)
          throw query.refused
        const result = await this.executor.call(c.identity, 'query', query.udfPath, argsWithJournal(query), reads)
        if (query.journal === null && isPaginationResult(result))
          query.journal = JSON.stringify({ endCursor: result.continueCursor })
        const value = convexToJson(result as Value)
        key = `ok:${JSON.stringify(value)}`
        modification = { type: 'QueryUpdated', queryId, value, logLines: [], journal: query.journal }
      }
      catch (e) {
        const failure = this.executor.failure(e)
        key = `error:${failure.message.replace(/\[Request ID: \w+\] /, '')}:${JSON.stringify(failure.errorData)}`
        modification = { type: 'QueryFailed', queryId, errorMessage: failure.message, errorData: failure.errorData, logLines: [], journal: query.journal }
        reads = undefined
      }
      finally {
        c.running = undefined
      }
      query.reads = reads
      // The query may have been removed while it ran.
      if (c.queries.get(queryId) === query && key !== query.last) {
        query.last = key
        modifications.push(modification)
      }
    }
    const end: Version = {
      querySet,
      identity: options.identity ?? c.version.identity,
      ts: ts > c.version.ts ? ts : c.version.ts,
    }
    const changedVersion = end.querySet !== c.version.querySet || end.identity !== c.version.identity
    if (!modifications.length && !changedVersion && !options.force)
      return
    // The writes up to `ts` are shown only once they are kept (on disk, for `dev`): a crash
    // cannot take back what a client saw.
    const kept = this.host.publish?.()
    if (kept) // no await without one: each is a turn of the microtask queue
      await kept
    const wire = (v: Version) => ({ querySet: v.querySet, identity: v.identity, ts: encodeTs(v.ts) })
    c.send({ type: 'Transition', startVersion: wire(c.version), endVersion: wire(end), modifications })
    c.version = end
  }
}
