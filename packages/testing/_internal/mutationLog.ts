// Exactly-once mutations over reconnects, in bounded memory. A client replays, on every new
// socket and in request-id order, each mutation it has not seen complete (convex/src/browser/sync/
// request_manager.ts `restart()`): the first mutation a new connection sends is the oldest the
// client still needs, so every response before it can go. A session whose client left is kept,
// since it may come back (a dropped socket reconnects with the same session id, after a backoff of
// up to 16 s; a laptop wakes from sleep): for the retention period whatever its size — a server
// that drops every socket at once must not forget the sessions gone first while the others
// reconnect — then within a budget, the sessions gone longest forgotten first. Only a flood (over
// the hard limits) forgets a session within its retention period.

/** Limits of the log (see {@link MutationLog}). */
export interface MutationLogLimits {
  /** How many responses one session keeps at most (a client rarely has more in flight). */
  perSession: number
  /** How long (ms) a session with no connection is kept whatever the budget, for its reconnect. */
  retentionMs: number
  /** How many sessions with no connection are kept after their retention period. */
  departed: number
  /** How many bytes of responses (as JSON) those keep at most. */
  departedBytes: number
  /** Sessions with no connection kept at most, however recent: a flood's bound. */
  maxDeparted: number
  /** Bytes of responses those keep at most, however recent. */
  maxDepartedBytes: number
}

/** The limits a backend runs with. */
export const DEFAULT_LIMITS: MutationLogLimits = {
  perSession: 10_000,
  retentionMs: 5 * 60_000,
  departed: 1_000,
  departedBytes: 4 * 1024 * 1024,
  maxDeparted: 20_000,
  maxDepartedBytes: 256 * 1024 * 1024,
}

/** The time the log runs on: a backend's clock (fake timers move it). */
export interface MutationLogTimers {
  now: () => number
  /** Calls `fn` after `ms`; returns what cancels it. */
  after: (ms: number, fn: () => void) => () => void
}

const realTimers: MutationLogTimers = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const handle = setTimeout(fn, ms)
    handle.unref?.()
    return () => clearTimeout(handle)
  },
}

interface Session {
  /** Responses by request id, oldest first. */
  readonly responses: Map<number, Promise<object>>
  /** The last mutation of the session: the next one runs after it. */
  tail: Promise<unknown>
  /** Open connections of the session. */
  connections: number
  /** The size of its settled responses, as JSON. */
  bytes: number
}

/** The size (as JSON) of each settled response. */
const sizes = new WeakMap<Promise<object>, number>()

/** Mutation responses by session and request id: a replayed mutation runs once. */
export class MutationLog {
  private readonly sessions = new Map<string, Session>()
  /** Sessions with no connection, by when they left, the longest gone first. */
  private readonly departed = new Map<string, number>()
  /** The bytes their responses hold. */
  private departedBytes = 0
  /** Cancels the timer that evicts when the oldest departed session's retention ends. */
  private cancelSweep: (() => void) | undefined
  private readonly limits: MutationLogLimits

  constructor(limits: Partial<MutationLogLimits> = {}, private readonly timers: MutationLogTimers = realTimers) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** Number of sessions kept (connected or not). */
  get size(): number {
    return this.sessions.size
  }

  private session(id: string): Session {
    let session = this.sessions.get(id)
    if (!session) {
      session = { responses: new Map(), tail: Promise.resolve(), connections: 0, bytes: 0 }
      this.sessions.set(id, session)
    }
    return session
  }

  /** A connection of session `id` opened. */
  connected(id: string): void {
    const session = this.session(id)
    session.connections++
    if (this.departed.delete(id))
      this.departedBytes -= session.bytes
  }

  /** A connection of session `id` closed: once none is left, the session may be forgotten. */
  disconnected(id: string): void {
    const session = this.sessions.get(id)
    if (!session || --session.connections > 0)
      return
    this.departed.set(id, this.timers.now())
    this.departedBytes += session.bytes
    this.evict()
  }

  /**
   * Forgets departed sessions, the longest gone first: any over the hard limits, and those past
   * their retention period while over the budget. Arms a timer for when the oldest one left
   * comes of age, if the budget will then call for it.
   */
  private evict(): void {
    this.cancelSweep?.()
    this.cancelSweep = undefined
    const now = this.timers.now()
    const { retentionMs, departed, departedBytes, maxDeparted, maxDepartedBytes } = this.limits
    for (const [gone, since] of this.departed) {
      const flooded = this.departed.size > maxDeparted || this.departedBytes > maxDepartedBytes
      const overBudget = this.departed.size > departed || this.departedBytes > departedBytes
      if (!flooded && !overBudget)
        return
      if (!flooded && now - since < retentionMs) {
        this.cancelSweep = this.timers.after(retentionMs - (now - since), () => this.evict())
        return
      }
      this.departed.delete(gone)
      this.departedBytes -= this.sessions.get(gone)?.bytes ?? 0
      this.sessions.delete(gone)
    }
  }

  /** Stops the timer (the backend is closing). */
  close(): void {
    this.cancelSweep?.()
    this.cancelSweep = undefined
  }

  /** Drops the response to `requestId` of `session` (kept no longer). */
  private forget(id: string, session: Session, requestId: number): void {
    const response = session.responses.get(requestId)
    session.responses.delete(requestId)
    const size = response && sizes.get(response)
    if (size) {
      session.bytes -= size
      if (this.departed.has(id))
        this.departedBytes -= size
    }
  }

  /**
   * Mutation `requestId` of session `id` ran in a previous process, which answered `response`:
   * a replay of it gets that answer. The session counts as departed from now (its client has
   * not reconnected yet).
   */
  restore(id: string, requestId: number, response: object): void {
    const session = this.session(id)
    const settled = Promise.resolve(response)
    session.responses.set(requestId, settled)
    const size = JSON.stringify(response).length
    sizes.set(settled, size)
    session.bytes += size
    if (session.connections > 0)
      return
    if (this.departed.has(id)) {
      this.departedBytes += size
    }
    else {
      this.departed.set(id, this.timers.now())
      this.departedBytes += session.bytes
    }
    this.evict()
  }

  /**
   * The first mutation a new connection of session `id` sent is `requestId`: the client replays
   * from its oldest unfinished one, so it needs no response before it.
   */
  replayFrom(id: string, requestId: number): void {
    const session = this.session(id)
    for (const kept of session.responses.keys()) {
      if (kept < requestId)
        this.forget(id, session, kept)
    }
  }

  /**
   * The response to mutation `requestId` of session `id`: the one already given when it is a
   * replay, otherwise `run()`'s, run after the session's earlier mutations (in the order sent).
   */
  respond(id: string, requestId: number, run: () => Promise<object>): Promise<object> {
    const session = this.session(id)
    let response = session.responses.get(requestId)
    if (!response) {
      const settled = session.tail.then(run)
      response = settled
      session.tail = settled.catch(() => {})
      session.responses.set(requestId, settled)
      void settled.then((value) => {
        // Counted once settled, while still kept (a replay may have moved past it).
        if (this.sessions.get(id) !== session || session.responses.get(requestId) !== settled)
          return
        const size = JSON.stringify(value).length
        sizes.set(settled, size)
        session.bytes += size
        if (this.departed.has(id)) {
          this.departedBytes += size
          this.evict()
        }
      }, () => {})
      if (session.responses.size > this.limits.perSession)
        this.forget(id, session, session.responses.keys().next().value!)
    }
    return response
  }
}
