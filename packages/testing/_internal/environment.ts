// A deployment's environment variables, per backend. On Convex every function (and
// `auth.config.ts`) sees `CONVEX_CLOUD_URL`, `CONVEX_SITE_URL` and the deployment's own variables
// in `process.env`. Here several backends share one process: `process.env` answers, while a
// function of a backend runs, with that backend's variables over the process's own.
import { AsyncLocalStorage } from 'node:async_hooks'

/** Environment variables: a deployment's, or the process's. */
export type Environment = Record<string, string | undefined>

const PROXY = Symbol.for('vueuse-convex:environment')
const MARK = '\u0000convex-env:'
const MARKED = /\0convex-env:(\w+)\0/g

/**
 * What a running function sees: its backend's variables, over the process's own (`inherit`) or
 * alone (`vueuse-convex dev`, where a function sees only what `env set` set, as on a deployment).
 */
export interface RunningEnvironment { env: Environment, inherit: boolean }

/** The environment of the backend whose function runs in this async context (the executor tells). */
let running: () => RunningEnvironment | undefined = () => undefined
/** While a module is evaluated for every backend at once: the variables read as placeholders. */
const placeholders = new AsyncLocalStorage<ReadonlySet<string>>()

/**
 * The proxy in `process.env`: the running backend's variables first (only them, for a backend
 * that does not inherit the process's); writes and the rest go to the process's own, as plain
 * assignments (Node's `process.env` takes nothing but configurable, writable, enumerable data
 * properties: `vi.stubEnv` of a variable already set, twice, works).
 */
function installEnvironment(): void {
  // eslint-disable-next-line node/prefer-global/process -- the global one (browsers get a stand-in), which functions read
  const proc = (globalThis as any).process
  if (!proc || proc.env?.[PROXY])
    return
  const own: Environment = proc.env ?? {}
  const overlay = (key: string | symbol): Environment | undefined => {
    if (typeof key !== 'string')
      return undefined
    if (placeholders.getStore()?.has(key))
      return { [key]: `${MARK}${key}\u0000` }
    const current = running()
    return current && (!current.inherit || key in current.env) ? current.env : undefined
  }
  proc.env = new Proxy(own, {
    get: (target, key) => {
      if (key === PROXY)
        return true
      const env = overlay(key)
      return env ? env[key as string] : Reflect.get(target, key)
    },
    has: (target, key) => {
      const env = overlay(key)
      return env ? env[key as string] !== undefined : Reflect.has(target, key)
    },
    ownKeys: (target) => {
      const current = running()
      if (!current)
        return Reflect.ownKeys(target)
      const keys = Object.keys(current.env).filter(key => current.env[key] !== undefined)
      return current.inherit ? [...new Set([...Reflect.ownKeys(target), ...keys])] : keys
    },
    getOwnPropertyDescriptor: (target, key) => {
      const env = overlay(key)
      if (!env)
        return Reflect.getOwnPropertyDescriptor(target, key)
      return env[key as string] === undefined ? undefined : { value: env[key as string], writable: true, enumerable: true, configurable: true }
    },
    // Plain assignments to the process's own object (it is the receiver, not this proxy).
    set: (target, key, value) => Reflect.set(target, key, value),
    defineProperty: (target, key, descriptor) => 'value' in descriptor ? Reflect.set(target, key, descriptor.value) : Reflect.defineProperty(target, key, descriptor),
    deleteProperty: (target, key) => Reflect.deleteProperty(target, key),
  })
}

/**
 * Puts a proxy in `process.env` (once per process) whose reads answer with the environment
 * `current()` gives — the one of the backend whose function runs in the calling async context.
 */
export function followEnvironment(current: () => RunningEnvironment | undefined): void {
  running = current
  installEnvironment()
}

/**
 * Loads a module that every backend reads with its own variables (`auth.config.ts`): while it is
 * evaluated, the variables `names` read as placeholders, which {@link fillPlaceholders} then
 * replaces with each backend's values. A module evaluated before (imported by a test itself)
 * keeps the values it read then.
 */
export function withPlaceholders<T>(names: ReadonlySet<string>, load: () => T): T {
  return placeholders.run(names, load)
}

/** `value` with every placeholder of {@link withPlaceholders} replaced by `environment`'s value. */
export function fillPlaceholders<T>(value: T, environment: Environment): T {
  if (typeof value === 'string') {
    const whole = /^\0convex-env:(\w+)\0$/.exec(value)
    return (whole ? environment[whole[1]] : value.replace(MARKED, (_, name: string) => environment[name] ?? '')) as T
  }
  if (Array.isArray(value))
    return value.map(item => fillPlaceholders(item, environment)) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, environment)])) as T
  return value
}
