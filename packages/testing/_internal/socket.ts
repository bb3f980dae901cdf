// A WebSocket look-alike that carries Convex's sync protocol to an in-memory backend.

/**
 * Runs `task` in a macrotask of its own, without a timer's 1 ms clamp: `setImmediate` in
 * Node, a `MessageChannel` in browsers. Captured before a test can install fake timers: the
 * wire keeps moving whatever the clock does.
 */
export const nextTask: (task: () => void) => void = (() => {
  const g = globalThis as any
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate.bind(g)
    return (task: () => void) => {
      immediate(task)
    }
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel()
    const queue: Array<() => void> = []
    channel.port1.onmessage = () => queue.shift()?.()
    return (task: () => void) => {
      queue.push(task)
      channel.port2.postMessage(null)
    }
  }
  const timeout = g.setTimeout.bind(g)
  return (task: () => void) => timeout(task, 0)
})()

/** Reports an error as uncaught without stopping the caller: `reportError` where there is one. */
function reportUncaught(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError
  if (typeof report === 'function') {
    report(error)
    return
  }
  queueMicrotask(() => {
    throw error
  })
}

/** The server end of one connection, implemented by the backend. */
export interface ServerConnection {
  /** A frame from the client (text; anything else is refused). */
  receive: (data: unknown) => void
  /** The client closed the socket (or the backend dropped it). */
  closed: () => void
}

/** The backend's handle on one client socket, in memory or over a real WebSocket. */
export interface ClientSocket {
  /** Server → client: a text frame. */
  deliver: (data: string) => void
  /** Server → client: a frame that may overtake queued ones (a ping), delivered at once. */
  ping: (data: string) => void
  /** The server drops the connection, as a network failure would. */
  drop: (reason?: string) => void
  /** No frame is waiting in either direction. */
  readonly idle: boolean
}

/** What the socket asks of the backend. */
export interface SocketHost {
  /** Accept a new connection, or `null` to refuse it (the backend is offline). */
  accept: (socket: ClientSocket) => ServerConnection | null
}

const CONNECTING = 0
const OPEN = 1
const CLOSING = 2
const CLOSED = 3

/**
 * The subset of the browser `WebSocket` that `ConvexClient` uses. Frames are delivered
 * in order, each in its own macrotask (no timer: nothing waits for a clock), as over a network.
 */
export class InMemoryWebSocket implements ClientSocket {
  static readonly CONNECTING = CONNECTING
  static readonly OPEN = OPEN
  static readonly CLOSING = CLOSING
  static readonly CLOSED = CLOSED
  readonly CONNECTING = CONNECTING
  readonly OPEN = OPEN
  readonly CLOSING = CLOSING
  readonly CLOSED = CLOSED

  readyState: number = CONNECTING
  binaryType = 'blob'
  readonly protocol = ''
  readonly extensions = ''
  bufferedAmount = 0
  onopen: ((event: any) => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: ((event: { code: number, reason: string, wasClean: boolean }) => void) | null = null
  onerror: ((event: any) => void) | null = null

  private server: ServerConnection | null = null
  private readonly inbox: Array<() => void> = []
  private flushing = false
  private pendingSends = 0

  /** No frame is waiting in either direction. */
  get idle(): boolean {
    return !this.flushing && this.pendingSends === 0
  }

  constructor(readonly url: string, private readonly host: SocketHost) {
    this.enqueue(() => {
      const server = this.host.accept(this)
      if (!server) {
        this.readyState = CLOSED
        this.onerror?.({ type: 'error' })
        this.onclose?.({ code: 1006, reason: '', wasClean: false })
        return
      }
      this.server = server
      this.readyState = OPEN
      this.onopen?.({ type: 'open' })
    })
  }

  /** Client → server. */
  send(data: string): void {
    if (this.readyState !== OPEN)
      throw new Error(`InMemoryWebSocket.send() called while the socket is ${['connecting', 'open', 'closing', 'closed'][this.readyState]}`)
    const server = this.server!
    this.pendingSends++
    nextTask(() => {
      this.pendingSends--
      if (this.server === server)
        server.receive(data)
    })
  }

  /** Client closes its end. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED || this.readyState === CLOSING)
      return
    this.readyState = CLOSING
    const server = this.server
    this.server = null
    server?.closed()
    this.enqueue(() => {
      this.readyState = CLOSED
      this.onclose?.({ code, reason, wasClean: true })
    })
  }

  addEventListener(): void {}
  removeEventListener(): void {}

  /** Server → client: a text frame. Dropped once the socket is closing. */
  deliver(data: string): void {
    if (this.readyState !== OPEN)
      return
    this.enqueue(() => {
      if (this.readyState === OPEN)
        this.onmessage?.({ data })
    })
  }

  /** Server → client at once, ahead of queued frames: a ping, which carries no state. */
  ping(data: string): void {
    if (this.readyState !== OPEN)
      return
    try {
      this.onmessage?.({ data })
    }
    catch (e) {
      reportUncaught(e)
    }
  }

  /** The server drops the connection, as a network failure would. */
  drop(reason = ''): void {
    if (this.readyState === CLOSED || this.readyState === CLOSING)
      return
    const server = this.server
    this.server = null
    this.readyState = CLOSING
    server?.closed()
    this.enqueue(() => {
      this.readyState = CLOSED
      this.onclose?.({ code: 1006, reason, wasClean: false })
    })
  }

  private enqueue(task: () => void): void {
    this.inbox.push(task)
    if (this.flushing)
      return
    this.flushing = true
    const next = () => {
      const job = this.inbox.shift()!
      try {
        job()
      }
      catch (e) {
        // As in a browser: an exception in a handler is reported, and delivery goes on.
        reportUncaught(e)
      }
      // The next frame in a macrotask of its own; none left: done, without a turn to find out.
      if (this.inbox.length)
        nextTask(next)
      else
        this.flushing = false
    }
    nextTask(next)
  }
}
