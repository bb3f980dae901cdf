// The state machine shared by useConvexAction and useConvexMutation. Every call gets its own
// entry (one VueUse `useAsyncState`); the returned refs are computed over the current entry.
// A call can only ever write its own entry, so an older call, `reset()` or disposal cannot
// leave a state that no call is in.
import type { FunctionArgs, FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import type { ConvexClientLike } from './types'
import { tryOnScopeDispose, useAsyncState } from '@vueuse/core'
import { getFunctionName } from 'convex/server'
import { computed, shallowRef, toValue } from 'vue'
import { checkPlainReference, functionName, normalizeArgs, onClientClose, toError, usageError } from '.'
import { injectContext, useErrorReporter } from './context'
import { trackCall } from './devtoolsRegistry'
import { ConvexTimeoutError } from './timeout'

/** Where a call of {@link useConvexAction} or {@link useConvexMutation} stands. */
export type CallStatus = 'idle' | 'pending' | 'success' | 'error'

/**
 * The state of the latest call as one value: checking `status` narrows `data` and `error`.
 */
export type CallState<Result>
  = | { status: 'idle', data: undefined, error: null }
    | { status: 'pending', data: Result | undefined, error: null }
    | { status: 'success', data: Result, error: null }
    | { status: 'error', data: Result | undefined, error: Error }

/** Options shared by the calling composables. */
export interface FunctionCallOptions<Fn extends FunctionReference<any>> {
  /**
   * The client to call the function with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
  /**
   * Clear `data` when a new call starts (like `useAsyncState`). `error` is always cleared.
   * @default true
   */
  resetOnExecute?: boolean
  /**
   * Reject a call with a `ConvexTimeoutError` when it has not settled after this many
   * milliseconds. The function may still finish on the server; its late result is ignored.
   * @default 0 (no timeout)
   */
  timeout?: number
  /**
   * Called with the result and the arguments of every call that succeeds,
   * unless `reset()` ran or the scope was disposed while it was in flight. An error it throws
   * goes to Vue's error handling (`app.config.errorHandler`); the call still succeeded.
   * @default undefined
   */
  onSuccess?: (data: FunctionReturnType<Fn>, args: FunctionArgs<Fn>) => void
  /**
   * Called with the error and the arguments of every call that fails,
   * unless `reset()` ran or the scope was disposed while it was in flight. An error it throws
   * goes to Vue's error handling; `execute` still rejects with the call's error.
   * @default undefined
   */
  onError?: (error: Error, args: FunctionArgs<Fn>) => void
}

/** What the calling composables return (their public shape). */
export interface FunctionCallReturn<Fn extends FunctionReference<any>> {
  /**
   * Runs the function and resolves with its result. Rejects with the client's error
   * (a `ConvexError` keeps its class and `.data`) and sets `error`. Await it in script code;
   * in templates and fire-and-forget handlers use `run`, which never rejects.
   */
  execute: (...args: OptionalRestArgs<Fn>) => Promise<FunctionReturnType<Fn>>
  /**
   * Runs the function like `execute` but returns nothing and never rejects: the outcome is
   * only in `status`, `data` and `error`. For templates (`@submit.prevent="run({ prompt })"`),
   * where a rejection would be reported as an uncaught error.
   */
  run: (...args: OptionalRestArgs<Fn>) => void
  /** The latest call as one value whose `status` narrows `data` and `error`. */
  state: ComputedRef<CallState<FunctionReturnType<Fn>>>
  /** The result of the latest successful call; `undefined` before one and after `reset()`. */
  data: ComputedRef<FunctionReturnType<Fn> | undefined>
  /** `'idle'`, `'pending'`, `'success'` or `'error'`, for the latest call. */
  status: ComputedRef<CallStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** The error of the latest call (always an `Error`); `null` before one fails, on a new call and after `reset()`. */
  error: ComputedRef<Error | null>
  /** Back to `'idle'`: clears `data` and `error`; a call still in flight will not write state. */
  reset: () => void
}

/** One call: the refs of its own `useAsyncState`, written by that call alone. */
interface Entry<Result> {
  state: Ref<Result | undefined>
  isLoading: Ref<boolean>
  error: Ref<unknown>
}

function entryState<Result>(entry: Entry<Result>): CallState<Result> {
  const pending = entry.isLoading.value
  // Every failure is stored as an Error (see `toError`), so a falsy one cannot read as success.
  const error = pending ? null : (entry.error.value || null) as Error | null
  return { status: pending ? 'pending' : error ? 'error' : 'success', data: entry.state.value, error } as CallState<Result>
}

/**
 * The calling composables' state machine. `caller` and `example` (a reference such as
 * `api.ai.generate`) make the error messages; `invoke` calls the client and may throw
 * synchronously.
 */
export function useFunctionCall<Fn extends FunctionReference<any>>(
  caller: string,
  example: string,
  reference: MaybeRefOrGetter<Fn>,
  options: FunctionCallOptions<Fn>,
  client: ConvexClientLike,
  invoke: (reference: Fn, args: FunctionArgs<Fn>) => Promise<FunctionReturnType<Fn>>,
  /** Checks a call's input and makes what `invoke` gets; by default the function's arguments. */
  prepare: (name: string, input: unknown) => unknown = (name, input) => normalizeArgs(caller, name, input),
): FunctionCallReturn<Fn> {
  const { resetOnExecute = true, timeout = 0, onSuccess, onError } = options
  const plainName = checkPlainReference(caller, reference, example)
  const report = useErrorReporter()
  const devtools = process.env.NODE_ENV !== 'production' ? injectContext()?.devtools : undefined
  // Vue Devtools' timeline hears every call (development builds only). Decided here, outside
  // the call's try block, where a bundler can drop it from production builds.
  const send: typeof invoke = process.env.NODE_ENV !== 'production' && devtools
    ? (fn, args) => {
        const done = trackCall(devtools, caller, getFunctionName(fn), args, !!(options as { optimisticUpdate?: unknown }).optimisticUpdate)
        return invoke(fn, args).then((result) => {
          done('success', result)
          return result
        }, (error) => {
          done('error', toError(error))
          throw error
        })
      }
    : invoke

  type Result = FunctionReturnType<Fn>
  type Args = FunctionArgs<Fn>

  /** The latest call's entry, or `null` when no call is current (idle). */
  const current = shallowRef<Entry<Result> | null>(null)
  /** Replaced by `reset()` and disposal: calls started under an older one fire no callbacks. */
  let lifetime = {}

  /** Runs one call of the function; throws (as a rejection) with an `Error` and sends nothing for bad input. */
  async function call(input: unknown, sent: { args: unknown }): Promise<Result> {
    let stopListening: (() => void) | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const fn = toValue(reference)
      // A plain reference was checked, and named, at setup.
      const name = plainName ?? functionName(caller, fn, example)
      const args = prepare(name, input) as Args
      sent.args = args
      if ((client as { closed?: boolean }).closed)
        throw usageError(6, caller, process.env.NODE_ENV !== 'production' && `cannot call "${name}": the Convex client is closed.`)
      // The function's outcome, unless something ends the wait first: the client closing (it
      // never settles what is in flight) or the `timeout` option. One promise, not a race.
      return await new Promise<Result>((resolve, reject) => {
        stopListening = onClientClose(client, () => reject(usageError(6, caller, process.env.NODE_ENV !== 'production' && `the Convex client was closed while "${name}" was in flight; its outcome is unknown.`)))
        if (timeout > 0)
          timer = setTimeout(() => reject(new ConvexTimeoutError(process.env.NODE_ENV !== 'production' ? `${caller}: "${name}"` : caller, timeout)), timeout)
        send(fn, args).then(resolve, reject)
      })
    }
    catch (e) {
      throw toError(e)
    }
    finally {
      stopListening?.()
      clearTimeout(timer)
    }
  }

  function execute(input?: Args): Promise<Result> {
    const started = lifetime
    const sent = { args: input as unknown }
    const previous = current.value
    const entry = useAsyncState<Result | undefined, [unknown]>(
      (args: unknown) => call(args, sent),
      resetOnExecute ? undefined : previous?.state.value,
      { immediate: false, resetOnExecute: true, throwError: true, shallow: true, onError: () => {} },
    )
    const done = entry.executeImmediate(input) as Promise<Result>
    current.value = { state: entry.state, isLoading: entry.isLoading, error: entry.error }
    // Callbacks hear only of calls of the current lifetime; an error they throw is reported, not rethrown.
    const notify = <A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A) => {
      if (started !== lifetime || !callback)
        return
      try {
        callback(...args)
      }
      catch (e) {
        report(e)
      }
    }
    return done.then(
      (data) => {
        notify(onSuccess, data, sent.args as Args)
        return data
      },
      (error: Error) => {
        notify(onError, error, sent.args as Args)
        throw error
      },
    )
  }

  function reset() {
    lifetime = {}
    current.value = null
  }

  tryOnScopeDispose(reset)

  const state = computed<CallState<Result>>(() => current.value ? entryState(current.value) : { status: 'idle', data: undefined, error: null })
  return {
    // `execute` takes the arguments object, or none for a function without arguments.
    execute: execute as FunctionCallReturn<Fn>['execute'],
    run: ((input?: Args) => void execute(input).catch(() => {})) as FunctionCallReturn<Fn>['run'],
    state,
    data: computed(() => state.value.data),
    status: computed(() => state.value.status),
    pending: computed(() => state.value.status === 'pending'),
    error: computed(() => state.value.error),
    reset,
  }
}
