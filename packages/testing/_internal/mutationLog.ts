// Exactly-once mutations over reconnects, in bounded memory. A client replays, on every new
// socket and in request-id order, each mutation it has not seen complete (convex/src/browser/sync/
// request_manager.ts `restart()`): the first mutation a new connection sends is the oldest the
// client still needs, so every response before it can go. A session whose client left is kept
// (it may come back: a dropped socket reconnects with the same session id), within a budget: the
// sessions gone longest are forgotten first, beyond 1,000 of them or 4 MB of responses.

/** How many responses one session keeps at most (a client rarely has more in flight). */
const PER_SESSION = 10_000
/** How many sessions with no connection are kept for a reconnect. */
const DEPARTED = 1_000
/** How many bytes of responses (as JSON) the sessions with no connection keep at most. */
const DEPARTED_BYTES = 4 * 1024 * 1024

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
  /** Sessions with no connection, the longest gone first. */
  private readonly departed = new Set<string>()
  /** The bytes their responses hold. */
  private departedBytes = 0

  constructor(private readonly limits = { perSession: PER_SESSION, departed: DEPARTED, departedBytes: DEPARTED_BYTES }) {}

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
    this.departed.add(id)
    this.departedBytes += session.bytes
    this.evict()
  }

  /** Forgets the sessions gone longest while the departed ones are over budget. */
  private evict(): void {
    for (const gone of this.departed) {
      if (this.departed.size <= this.limits.departed && this.departedBytes <= this.limits.departedBytes)
        break
      this.departed.delete(gone)
      this.departedBytes -= this.sessions.get(gone)?.bytes ?? 0
      this.sessions.delete(gone)
    }
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
