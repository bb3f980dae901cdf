// A browser stand-in for `node:async_hooks`' AsyncLocalStorage, enough for convex-test.
// A store set by run() stays set until the function's promise settles, so it cannot follow
// several contexts across concurrent awaits: the backend runs one function at a time in
// browsers (`serialize`). The vite plugin in ./vite aliases node:async_hooks here.

const instances = new Set<AsyncLocalStorage<unknown>>()

type Stores = ReadonlyArray<readonly [AsyncLocalStorage<unknown>, unknown]>

/** Sets `stores`, runs `fn`, and puts the previous stores back once its result settles. */
function within<R>(stores: Stores, fn: (...args: any[]) => R, args: any[]): R {
  const previous = stores.map(([i]) => [i, i.getStore()] as const)
  const restore = () => previous.forEach(([i, s]) => i.enterWith(s))
  stores.forEach(([i, s]) => i.enterWith(s))
  let result: R
  try {
    result = fn(...args)
  }
  catch (e) {
    restore()
    throw e
  }
  if (result && typeof (result as any).then === 'function') {
    return (result as any).then(
      (value: unknown) => {
        restore()
        return value
      },
      (error: unknown) => {
        restore()
        throw error
      },
    )
  }
  restore()
  return result
}

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
    return within([[this as AsyncLocalStorage<unknown>, store]], fn, args)
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
    const saved: Stores = [...instances].map(i => [i, i.getStore()] as const)
    return (fn, ...args) => within(saved, fn, args)
  }

  static bind<F extends (...args: any[]) => any>(fn: F): F {
    return fn
  }
}

export default { AsyncLocalStorage }
