/** Raised by `execute` when a call outlives the composable's `timeout` option. */
export class ConvexTimeoutError extends Error {
  override name = 'ConvexTimeoutError'
  /** The `timeout` option that ran out, in milliseconds. */
  readonly timeout: number
  constructor(what: string, timeout: number) {
    super(`${what} did not settle within ${timeout} ms (the \`timeout\` option). It may still finish on the server; raise \`timeout\` if this call is expected to take longer.`)
    this.timeout = timeout
  }
}

/** Races `promise` against a timer; the timer is cleared as soon as either settles. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConvexTimeoutError(what, ms)), ms)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}
