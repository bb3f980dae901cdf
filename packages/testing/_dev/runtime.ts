// What a deployment's runtime does around the app's code, for `vueuse-convex dev`: a function's
// `console.*` lines and its uncaught errors are printed with its name (`[CONVEX Q(notes:list)]
// [LOG] ...`, as `npx convex dev` prints a deployment's logs), and the app's code — its modules as
// they load and its functions as they run — reads in `process.env` the deployment's variables
// only, never the shell's that started the command.
import type { Environment } from '../_internal/environment'
import { AsyncLocalStorage } from 'node:async_hooks'
import { sep } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { format } from 'node:util'

/** One local deployment's runtime: where its lines go, what its code reads in `process.env`. */
export interface Deployment {
  /** The variables its code sees: its own and its URLs (`CONVEX_CLOUD_URL`, `CONVEX_SITE_URL`). */
  env: () => Environment
  /** Where its functions' lines go. */
  log: (line: string, level: 'info' | 'error') => void
  /** The project folder: paths in stack traces are relative to it. */
  root?: string
}

/** The kinds of function, as Convex's logs abbreviate them. */
type Kind = 'Q' | 'M' | 'A' | 'H'

interface Running {
  deployment: Deployment
  /** The function running (`undefined` while a module loads). */
  fn?: { kind: Kind, name: string }
  /** What the code assigned to `process.env` while it ran. */
  written: Environment
}

const running = new AsyncLocalStorage<Running>()
const ENV = Symbol.for('vueuse-convex:dev-environment')
const LEVELS = { log: 'LOG', info: 'INFO', debug: 'DEBUG', warn: 'WARN', error: 'ERROR' } as const
/** Errors already printed (one thrown by a nested call is printed once). */
const reported = new WeakSet<object>()
/** Functions already wrapped (a function object a package shares between builds is wrapped once). */
const wrapped = new WeakSet<object>()

/** The deployment's variables, over nothing: a variable it does not have reads as `undefined`. */
function environmentOf(current: Running): Environment {
  return { ...current.deployment.env(), ...current.written }
}

/**
 * Installs, once per process, what the runtime needs: `console` methods that print a running
 * function's lines with its name, and a `process.env` that answers the app's code with its
 * deployment's variables. Outside the app's code both behave as before.
 */
function install(): void {
  const g = globalThis as any
  if ((process.env as Record<symbol, unknown>)[ENV])
    return
  const own = process.env
  process.env = new Proxy(own, {
    get: (target, key) => {
      if (key === ENV)
        return true
      const current = running.getStore()
      return current && typeof key === 'string' ? environmentOf(current)[key] : Reflect.get(target, key)
    },
    set: (target, key, value) => {
      const current = running.getStore()
      if (current && typeof key === 'string') {
        current.written[key] = String(value)
        return true
      }
      return Reflect.set(target, key, value)
    },
    deleteProperty: (target, key) => {
      const current = running.getStore()
      if (current && typeof key === 'string') {
        current.written[key] = undefined
        return true
      }
      return Reflect.deleteProperty(target, key)
    },
    has: (target, key) => {
      const current = running.getStore()
      return current && typeof key === 'string' ? environmentOf(current)[key] !== undefined : Reflect.has(target, key)
    },
    ownKeys: (target) => {
      const current = running.getStore()
      return current ? Object.entries(environmentOf(current)).filter(([, value]) => value !== undefined).map(([key]) => key) : Reflect.ownKeys(target)
    },
    getOwnPropertyDescriptor: (target, key) => {
      const current = running.getStore()
      if (!current || typeof key !== 'string')
        return Reflect.getOwnPropertyDescriptor(target, key)
      const value = environmentOf(current)[key]
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true }
    },
  })
  const console = g.console as Record<keyof typeof LEVELS, (...args: unknown[]) => void>
  for (const method of Object.keys(LEVELS) as Array<keyof typeof LEVELS>) {
    const original = console[method]
    console[method] = function (...args: unknown[]) {
      const current = running.getStore()
      if (!current?.fn)
        return original.apply(this, args)
      const line = `${prefix(current.fn)} [${LEVELS[method]}] ${format(...args)}`
      // Outside the function: the line itself may be written with console.
      running.exit(() => current.deployment.log(line, method === 'error' || method === 'warn' ? 'error' : 'info'))
    }
  }
}

/**
 * An uncaught error as a deployment's log shows it: its stack down to the function (the frames
 * of the backend that called it left out), paths relative to the project.
 */
function describeError(e: unknown, root: string | undefined): string {
  if (!(e instanceof Error))
    return format(e)
  const lines = (e.stack ?? `${e.name}: ${e.message}`).split('\n')
  const end = lines.findIndex(line => line.includes('runConvexFunction'))
  const text = lines.slice(0, end === -1 ? undefined : end).join('\n')
  return root ? text.replaceAll(`${pathToFileURL(root).href}/`, '').replaceAll(`${root}${sep}`, '') : text
}

function prefix(fn: { kind: Kind, name: string }): string {
  return `[CONVEX ${fn.kind}(${fn.name})]`
}

/** Runs `load` (the import of the app's modules) as the deployment's code: `process.env` is its variables. */
export function evaluateIn<T>(deployment: Deployment, load: () => T): T {
  install()
  return running.run({ deployment, written: {} }, load)
}

/** `fn` runs `handler` as the function `name` of `deployment` (lines and errors printed with its name). */
function wrap(deployment: Deployment, fn: { _handler: (...args: any[]) => any }, kind: Kind, name: string): void {
  if (wrapped.has(fn))
    return
  wrapped.add(fn)
  const handler = fn._handler
  fn._handler = function (this: unknown, ...args: unknown[]) {
    // Named: an uncaught error's stack is cut at this frame (the backend's frames follow).
    const runConvexFunction = async () => {
      try {
        return await handler.apply(this, args)
      }
      catch (e) {
        if (!(e && typeof e === 'object' && reported.has(e))) {
          if (e && typeof e === 'object')
            reported.add(e)
          const line = `${prefix({ kind, name })} Uncaught ${describeError(e, deployment.root)}`
          running.exit(() => deployment.log(line, 'error'))
        }
        throw e
      }
    }
    return running.run({ deployment, fn: { kind, name }, written: {} }, runConvexFunction)
  }
}

/**
 * Makes the functions a module exports (`./convex/notes.ts`'s `list` is `notes:list`) and the
 * routes of `convex/http.ts` run as `deployment`'s code: their lines and uncaught errors printed
 * with their names, `process.env` their deployment's.
 */
export function instrument(deployment: Deployment, key: string, module: Record<string, any>): void {
  install()
  const path = key.replace(/^\.\/convex\//, '').replace(/\.[^./]+$/, '')
  for (const [name, value] of Object.entries(module)) {
    if (!value || typeof value._handler !== 'function')
      continue
    const kind: Kind | undefined = value.isQuery ? 'Q' : value.isMutation ? 'M' : value.isAction ? 'A' : undefined
    if (kind)
      wrap(deployment, value, kind, `${path}:${name}`)
  }
  const router = path === 'http' ? module.default : undefined
  if (router?.isRouter) {
    for (const [route, methods] of router.exactRoutes as Map<string, Map<string, any>>) {
      for (const [method, action] of methods)
        wrap(deployment, action, 'H', `${method} ${route}`)
    }
    for (const [method, prefixes] of router.prefixRoutes as Map<string, Map<string, any>>) {
      for (const [routePrefix, action] of prefixes)
        wrap(deployment, action, 'H', `${method} ${routePrefix}*`)
    }
  }
}
