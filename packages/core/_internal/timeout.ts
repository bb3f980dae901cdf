/** Raised by `execute` when a call outlives the composable's `timeout` option. */
export class ConvexTimeoutError extends Error {
  override name = 'ConvexTimeoutError'
  /** The `timeout` option that ran out, in milliseconds. */
  readonly timeout: number
  constructor(what: string, timeout: number) {
    super(process.env.NODE_ENV !== 'production' ? `${what} did not settle within ${timeout} ms (the \`timeout\` option). It may still finish on the server; raise \`timeout\` if this call is expected to take longer.` : `${what} ${timeout} ms`)
    this.timeout = timeout
  }
}
