import type { FunctionReference } from 'convex/server'
import type { ConvexClientLike } from '../useConvexClient'
import { getFunctionName } from 'convex/server'
import { hasInjectionContext, inject } from 'vue'
import { ConvexClientKey } from '../useConvexClient/key'

/** Unique brand for errors raised by vueuse-convex itself (not by Convex). */
const PREFIX = '[vueuse-convex]'

/** Builds an `Error` whose message starts with the library prefix and the caller's name. */
export function usageError(caller: string, message: string): TypeError {
  return new TypeError(`${PREFIX} ${caller}(): ${message}`)
}

/**
 * The nearest client: the explicit `options.client`, else the one provided by
 * `createConvexVue` / `provideConvexClient`. Throws an error that says how to provide one.
 */
export function resolveClient(caller: string, explicit?: ConvexClientLike | null): ConvexClientLike {
  if (explicit)
    return explicit
  const injected = hasInjectionContext() ? inject(ConvexClientKey, null) : null
  if (injected)
    return injected
  throw usageError(
    caller,
    'no Convex client found. Install the plugin with app.use(createConvexVue({ url })), '
    + 'call provideConvexClient(client) in a parent component, or pass { client } in the options.',
  )
}

function describe(value: unknown): string {
  if (value === null || value === undefined)
    return String(value)
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value)}`
  return `a value of type ${typeof value}`
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
    catch {}
  }
  throw usageError(
    caller,
    `expected a Convex function reference such as ${example}, but got ${describe(reference)}. `
    + 'Import `api` from your convex/_generated/api and pass one of its functions.',
  )
}

/** A reasonable `true` on the client, `false` during server-side rendering. */
export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'
