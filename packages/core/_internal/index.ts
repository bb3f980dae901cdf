import type { FunctionReference } from 'convex/server'
import type { ConvexClientLike } from './types'
import { getFunctionName } from 'convex/server'
import { convexToJson } from 'convex/values'
import { hasInjectionContext, inject, isRef } from 'vue'
import { describe, normalizeArgs, toError, usageError } from './args'
import { activeApp } from './cache'
import { ConvexClientKey } from './keys'

export { normalizeArgs, toError, usageError } from './args'

/**
 * The nearest client: the explicit `options.client`, else the one provided by
 * `createConvexVue` / `provideConvexClient`. Throws an error that says how to provide one.
 */
export function resolveClient(caller: string, explicit?: ConvexClientLike | null): ConvexClientLike {
  if (explicit)
    return explicit
  if (!hasInjectionContext()) {
    throw usageError(1, caller, process.env.NODE_ENV !== 'production' && `was called outside setup() (in an event handler, a timer or after an await), where Vue cannot give it the app's Convex client. `
      + `Call ${caller}() in <script setup> or setup() and use what it returns in the handler, or pass { client } in the options.${activeApp.current ? '' : ' (If the app has no client yet, install the plugin: app.use(createConvexVue({ url })).)'}`)
  }
  const injected = inject(ConvexClientKey, null)
  if (injected)
    return injected
  throw usageError(
    1,
    caller,
    process.env.NODE_ENV !== 'production' && 'no Convex client found. Install the plugin with app.use(createConvexVue({ url })), '
    + 'call provideConvexClient(client) in a parent component, or pass { client } in the options.',
  )
}

/**
 * {@link resolveClient} for the query composables: the client must subscribe (`onUpdate`) or,
 * on the server, fetch once (`query`).
 */
export function resolveQueryClient(caller: string, explicit?: ConvexClientLike | null): ConvexClientLike {
  const client = resolveClient(caller, explicit)
  if (typeof client.onUpdate !== 'function' && typeof client.query !== 'function')
    throw usageError(3, caller, process.env.NODE_ENV !== 'production' && 'the client has neither onUpdate() nor query(). Pass a ConvexClient (or a ConvexHttpClient on the server).')
  return client
}

/**
 * Returns the `"module:function"` name of a Convex function reference, or throws an
 * error that names the composable and shows what to pass instead.
 */
export function functionName(
  caller: string,
  reference: FunctionReference<any, any> | undefined | null,
  example: string,
): string {
  if (reference !== null && typeof reference === 'object') {
    try {
      return getFunctionName(reference)
    }
    catch (e) {
      // `api.messages` is a module of the generated API, not one of its functions.
      const module = process.env.NODE_ENV !== 'production' && /Found: `(api|internal)\.([^`]+)`/.exec((e as Error)?.message)
      if (module) {
        throw usageError(2, caller, `expected a Convex function reference such as ${example}, but got \`${module[1]}.${module[2]}\`, a module of your API (the file convex/${module[2].replaceAll('.', '/')}.ts), not one of its functions. `
          + `Name the function it exports: \`${module[1]}.${module[2]}.<name>\`.`)
      }
    }
  }
  throw usageError(
    2,
    caller,
    process.env.NODE_ENV !== 'production' && `expected a Convex function reference such as ${example}, but got ${describe(reference)}. `
    + 'Import `api` from your convex/_generated/api and pass one of its functions.',
  )
}

/**
 * Checks a reference given as a plain value at once (setup fails fast) and returns its name; a
 * ref or getter is checked whenever it is read (`undefined`).
 */
export function checkPlainReference(caller: string, reference: unknown, example: string): string | undefined {
  if (typeof reference !== 'function' && !isRef(reference))
    return functionName(caller, reference as FunctionReference<any, any>, example)
}

/** A reasonable `true` on the client, `false` during server-side rendering. */
export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

/** Listeners told when a client's `close()` is called, by client. */
const closeListeners = new WeakMap<object, Set<() => void>>()

/**
 * Calls `listener` when `client.close()` is called: the Convex client never settles requests
 * in flight once closed, so callers must stop waiting. Returns a function that stops listening.
 */
export function onClientClose(client: ConvexClientLike, listener: () => void): () => void {
  if (typeof client.close !== 'function')
    return () => {}
  let listeners = closeListeners.get(client)
  if (!listeners) {
    const all = new Set<() => void>()
    listeners = all
    closeListeners.set(client, all)
    const close = client.close
    client.close = function (this: unknown, ...args: unknown[]) {
      all.forEach(l => l())
      return (close as (...a: unknown[]) => Promise<void>).apply(this, args)
    }
  }
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** What `read` returns, or the error it throws (always an `Error`): for computeds that must not throw. */
export function guard<T>(read: () => T): T | Error {
  try {
    return read()
  }
  catch (e) {
    return toError(e)
  }
}

/** A query to subscribe to: its reference, arguments, and a key equal for equal arguments. */
export interface QueryTarget<Reference, Args> {
  reference: Reference
  args: Args
  /** `"module:function:" + the arguments as JSON`: the same for deep-equal arguments. */
  key: string
}

/**
 * Validates a query reference and its arguments and keys them, or throws an error that names
 * the composable and says what is wrong with them.
 */
export function queryTarget<Reference extends FunctionReference<'query', any>, Args>(
  caller: string,
  reference: Reference,
  args: Args,
  example: string,
  /** The reference's name when the caller already has it (a plain reference checked at setup). */
  name = functionName(caller, reference, example),
): QueryTarget<Reference, Args> {
  const plain = normalizeArgs(caller, name, args) as Args
  try {
    return { reference, args: plain, key: `${name}:${JSON.stringify(convexToJson(plain as any))}` }
  }
  catch (e) {
    throw usageError(5, caller, process.env.NODE_ENV !== 'production' && `the arguments of "${name}" cannot be sent to Convex: ${(e as Error).message}`)
  }
}
