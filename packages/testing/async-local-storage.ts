// A browser stand-in for `node:async_hooks`' AsyncLocalStorage, enough for convex-test.
// It cannot follow a context across unrelated awaits, so the backend runs one function at
// a time in browsers (`serialize`). The vite plugin in ./vite aliases node:async_hooks here.

const instances = new Set<AsyncLocalStorage<unknown>>()

export class AsyncLocalStorage<T> {
  private store: T | undefined = undefined

  constructor() {
    instances.add(this as AsyncLocalStorage<unknown>)
  }

  getStore(): T | undefined {
    return this.store
  }

  /** Runs `fn` with `store`; the store stays until the returned promise settles. */
  run<R>(store: T, fn: (...args: any[]) => R, ...args: any[]): R {
    const previous = this.store
    this.store = store
    let result: R
    try {
      result = fn(...args)
    }
    catch (e) {
      this.store = previous
      throw e
    }
    if (result && typeof (result as any).then === 'function') {
      return (result as any).then(
        (value: unknown) => {
          this.store = previous
          return value
        },
        (error: unknown) => {
          this.store = previous
          throw error
        },
      )
    }
    this.store = previous
    return result
  }

  exit<R>(fn: (...args: any[]) => R, ...args: any[]): R {
    return this.run(undefined as T, fn, ...args)
  }

  enterWith(store: T): void {
    this.store = store
  }

  disable(): void {
    this.store = undefined
  }

  /** Captures every instance's store; the returned function runs `fn` inside them. */
  static snapshot(): <R>(fn: (...args: any[]) => R, ...args: any[]) => R {
    const saved = [...instances].map(i => [i, i.getStore()] as const)
    return (fn, ...args) => {
      const current = saved.map(([i]) => [i, i.getStore()] as const)
      for (const [i, s] of saved) i.enterWith(s)
      try {
        return fn(...args)
      }
      finally {
        for (const [i, s] of current) i.enterWith(s)
      }
    }
  }

  static bind<F extends (...args: any[]) => any>(fn: F): F {
    return fn
  }
}

export default { AsyncLocalStorage }
