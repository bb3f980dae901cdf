// The arguments every composable sends: refs unwrapped (and so tracked where a computed reads
// them), checked for the mistakes Convex's serializer reports badly or not at all.
import type { MaybeRef } from 'vue'
import { isReactive, isRef } from 'vue'

/** `T`, where any value inside it, at any depth, may also be a ref of that value. */
export type MaybeRefDeep<T> = T extends (...args: any[]) => any
  ? T
  : T extends object
    ? MaybeRef<{ [K in keyof T]: MaybeRefDeep<T[K]> }>
    : MaybeRef<T>

/** A function's arguments object whose values, at any depth, may be refs (unwrapped when sent). */
export type ArgsWithRefs<Args> = { [K in keyof Args]: MaybeRefDeep<Args[K]> }

/**
 * How deeply a Convex value may nest: a deployment refuses more (`MAX_NESTING` of Convex's value
 * encoding; a primitive is 0, an array or object 1 more than its deepest child). Arguments
 * travel as a list of one arguments object, which is one level of it. (16 is the limit of a
 * stored document, which the server checks when a document is stored.)
 */
export const MAX_NESTING = 64
/** The nesting of the arguments object: it travels inside the list `[args]`. */
const ARGS_DEPTH = 2

// Development-only code is written `process.env.NODE_ENV !== 'production'` at each place, the
// convention of Vue and Pinia Colada: the app's bundler replaces that exact expression, and its
// minifier drops the readable error messages and the checks that only serve them.
//
// Every misuse error has a stable code, kept in production and explained on the docs' Error
// codes section (docs/guide/error-handling.md#error-codes):
//   1 no client provided            2 not a Convex function reference
//   3 the client lacks a method     4 the arguments are not a plain object
//   5 a value in the arguments cannot be sent (function, symbol, cycle, too deep)
//   6 the client was closed         7 an option or parameter has a value it does not accept

/**
 * Builds the `TypeError` of a misuse: `[vueuse-convex] caller(): message`, or in production
 * `[vueuse-convex] caller(): E<code>`. Pass `process.env.NODE_ENV !== 'production' && message`
 * so the text is dropped from production bundles.
 */
export function usageError(code: number, caller: string, message?: string | false): TypeError {
  return new TypeError(`[vueuse-convex] ${caller}(): ${message || `E${code}`}`)
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isEvent(value: unknown): value is Event {
  return typeof Event !== 'undefined' && value instanceof Event
}

/** A short description of a value for an error message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined)
    return String(value)
  if (Array.isArray(value))
    return 'an array'
  if (typeof value === 'object') {
    // A proxy (the generated `api` is one) answers any property, so read it with care.
    let name: unknown
    try {
      name = (value as object).constructor?.name
    }
    catch {}
    return typeof name === 'string' ? `an instance of ${name}` : 'an object'
  }
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.slice(0, 40))}`
  return `a ${typeof value} (${String(value).slice(0, 40)})`
}

/**
 * Development only: walks `value` as {@link unwrap} will, and throws what it would refuse with
 * where it is (`path`), plus what only development looks for (DOM events, cycles). Kept apart
 * from `unwrap` so that the walk that runs on every call reads `process.env` not at all: in Node
 * (server rendering, test runners) each read is a lookup in the environment.
 */
function explain(caller: string, name: string, value: unknown, depth: number, path: string, ancestors: object[]): void {
  const plain = isRef(value) ? value.value : value
  const fail = (message: string) => usageError(5, caller, `the arguments of "${name}" ${message}`)
  if (typeof plain === 'function' || typeof plain === 'symbol')
    throw fail(`contain a ${typeof plain} at ${path}, which is not a supported Convex type: send plain data (strings, numbers, booleans, null, arrays, plain objects, bigint, ArrayBuffer).`)
  if (typeof plain !== 'object' || plain === null)
    return
  if (isEvent(plain))
    throw fail(`contain a DOM Event at ${path}; Convex values are plain data.`)
  const isArray = Array.isArray(plain)
  if (!isArray && !isPlainObject(plain))
    return
  if (ancestors.includes(plain))
    throw fail(`contain a circular reference at ${path}; Convex values must be trees (no object may contain itself).`)
  if (depth > MAX_NESTING)
    throw fail(`are nested more deeply than a deployment accepts (at ${path.slice(0, 120)}${path.length > 120 ? '…' : ''}): Convex values may nest ${MAX_NESTING} levels of objects and arrays, counting the list the arguments travel in, so the arguments object may hold ${MAX_NESTING - ARGS_DEPTH} levels. Flatten them, or send the deep part as a string (JSON.stringify).`)
  ancestors.push(plain)
  if (isArray)
    plain.forEach((child, i) => explain(caller, name, child, depth + 1, `${path}[${i}]`, ancestors))
  else
    Object.keys(plain).forEach(key => explain(caller, name, (plain as Record<string, unknown>)[key], depth + 1, `${path}.${key}`, ancestors))
  ancestors.pop()
}

/**
 * Walks `value` at most {@link MAX_NESTING} levels deep, unwrapping refs, and returns it with
 * refs replaced by their values (copying only the containers that held one, and reactive ones).
 * A cycle ends at the depth limit.
 */
function unwrap(caller: string, value: unknown, depth: number): unknown {
  const plain = isRef(value) ? value.value : value
  if (typeof plain === 'function' || typeof plain === 'symbol')
    throw usageError(5, caller)
  if (typeof plain !== 'object' || plain === null)
    return plain
  const isArray = Array.isArray(plain)
  if (!isArray && !isPlainObject(plain))
    return plain // Convex's serializer names the class it cannot send
  if (depth > MAX_NESTING)
    throw usageError(5, caller)
  let copy: any
  if (isArray) {
    for (let i = 0; i < plain.length; i++) {
      const child = plain[i]
      const next = unwrap(caller, child, depth + 1)
      if (next !== child)
        (copy ??= plain.slice())[i] = next
    }
  }
  else {
    for (const key of Object.keys(plain)) {
      const child = (plain as Record<string, unknown>)[key]
      const next = unwrap(caller, child, depth + 1)
      if (next !== child)
        (copy ??= { ...plain })[key] = next
    }
  }
  // A reactive container is copied too: what is sent is plain data, and callers can tell that
  // the arguments hold something reactive (the result is not the input).
  if (!copy && isReactive(plain))
    copy = isArray ? plain.slice() : { ...plain }
  return copy ?? plain
}

/**
 * The arguments to send for `input`: `{}` for none, refs (at any depth) unwrapped. Throws an
 * error that says what to write instead for a DOM event (`@click="execute"`), `null`, a
 * non-object, a circular reference or nesting deeper than Convex allows; nothing is sent then.
 */
export function normalizeArgs(caller: string, name: string, input: unknown, call = 'execute'): Record<string, unknown> {
  const args = isRef(input) ? input.value : input
  if (args === undefined)
    return {}
  if (typeof args !== 'object' || args === null || Array.isArray(args) || !isPlainObject(args)) {
    if (process.env.NODE_ENV !== 'production' && isEvent(args)) {
      throw usageError(4, caller, `${call}() of "${name}" was called with a DOM Event (${args.type}) as its arguments, so nothing was sent. `
        + `A template handler written as @${args.type}="${call}" passes the event: write @${args.type}="${call}()" for a function without arguments, or pass them: @${args.type}="${call}({ ... })".`)
    }
    throw usageError(4, caller, process.env.NODE_ENV !== 'production' && `the arguments of "${name}" must be a plain object such as { id } (or nothing), but got ${describe(args)}.`)
  }
  if (process.env.NODE_ENV !== 'production')
    explain(caller, name, args, ARGS_DEPTH, '', [])
  return unwrap(caller, args, ARGS_DEPTH) as Record<string, unknown>
}

/** `value` as an `Error`: a rejection with a string, `undefined` or anything else is wrapped. */
export function toError(value: unknown): Error {
  if (value instanceof Error)
    return value
  if (process.env.NODE_ENV !== 'production') {
    let text: string
    try {
      text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
    }
    catch {
      text = String(value)
    }
    return new Error(`A Convex call failed with a value that is not an Error: ${text}`, { cause: value })
  }
  return new Error(typeof value === 'string' ? value : 'non-Error rejection', { cause: value })
}
