// Exactly-once mutations over reconnects, in bounded memory. A client replays, on every new
// socket and in request-id order, each mutation it has not seen complete (convex/src/browser/sync/
// request_manager.ts `restart()`): the first mutation a new connection sends is the oldest the
// client still needs, so every response before it can go. A session whose client left is kept for
// a while (it may come back: a dropped socket reconnects with the same session id), up to a limit.

/** How many responses one session keeps at most (a client rarely has more in flight). */
const PER_SESSION = 10_000
/** How many sessions with no connection are kept for a reconnect. */
const DEPARTED = 1_000

interface Session {
  /** Responses by request id, oldest first. */
  readonly responses: Map<number, Promise<object>>
  /** The last mutation of the session: the next one runs after it. */
  tail: Promise<unknown>
  /** Open connections of the session. */
  connections: number
}

/** Mutation responses by session and request id: a replayed mutation runs once. */
export class MutationLog {
  private readonly sessions = new Map<string, Session>()
  /** Sessions with no connection, the longest gone first. */
  private readonly departed = new Set<string>()

  constructor(private readonly limits = { perSession: PER_SESSION, departed: DEPARTED }) {}

  /** Number of sessions kept (connected or not). */
  get size(): number {
    return this.sessions.size
  }

  private session(id: string): Session {
    let session = this.sessions.get(id)
    if (!session) {
      session = { responses: new Map(), tail: Promise.resolve(), connections: 0 }
      this.sessions.set(id, session)
    }
    return session
  }

  /** A connection of session `id` opened. */
  connected(id: string): void {
    this.session(id).connections++
    this.departed.delete(id)
  }

  /** A connection of session `id` closed: once none is left, the session may be forgotten. */
  disconnected(id: string): void {
    const session = this.sessions.get(id)
    if (!session || --session.connections > 0)
      return
    this.departed.add(id)
    for (const gone of this.departed) {
      if (this.departed.size <= this.limits.departed)
        break
      this.departed.delete(gone)
      this.sessions.delete(gone)
    }
  }

  /**
   * The first mutation a new connection of session `id` sent is `requestId`: the client replays
   * from its oldest unfinished one, so it needs no response before it.
   */
  replayFrom(id: string, requestId: number): void {
    const { responses } = this.session(id)
    for (const kept of responses.keys()) {
      if (kept < requestId)
        responses.delete(kept)
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
      response = session.tail.then(run)
      session.tail = response.catch(() => {})
      session.responses.set(requestId, response)
      if (session.responses.size > this.limits.perSession)
        session.responses.delete(session.responses.keys().next().value!)
    }
    return response
  }
}
