// The state machine shared by useConvexAction and useConvexMutation: one call at a time writes
// state (the latest), composed from VueUse's useAsyncState and mapped onto one status enum.
import type { FunctionArgs, FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose, useAsyncState } from '@vueuse/core'
import { computed, shallowRef, toValue } from 'vue'
import { checkPlainReference, explainUnsendable, functionName, onClientClose, usageError } from '.'
import { withTimeout } from './timeout'

/** Where a call of {@link useConvexAction} or {@link useConvexMutation} stands. */
export type CallStatus = 'idle' | 'pending' | 'success' | 'error'

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
   * unless `reset()` ran or the scope was disposed while it was in flight.
   * @default undefined
   */
  onSuccess?: (data: FunctionReturnType<Fn>, args: FunctionArgs<Fn>) => void
  /**
   * Called with the error and the arguments of every call that fails,
   * unless `reset()` ran or the scope was disposed while it was in flight.
   * @default undefined
   */
  onError?: (error: Error, args: FunctionArgs<Fn>) => void
}

/** What the calling composables return (their public shape). */
export interface FunctionCallReturn<Fn extends FunctionReference<any>> {
  /**
   * Runs the function and resolves with its result. Rejects with the client's error
   * (a `ConvexError` keeps its class and `.data`) and sets `error`.
   */
  execute: (...args: OptionalRestArgs<Fn>) => Promise<FunctionReturnType<Fn>>
  /** The result of the latest successful call; `undefined` before one and after `reset()`. */
  data: Readonly<ShallowRef<FunctionReturnType<Fn> | undefined>>
  /** `'idle'`, `'pending'`, `'success'` or `'error'`, for the latest call. */
  status: ComputedRef<CallStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** The error of the latest call; `null` before one fails, on a new call and after `reset()`. */
  error: ComputedRef<Error | null>
  /** Back to `'idle'`: clears `data` and `error`; a call still in flight will not write state. */
  reset: () => void
}

/** Boxes a rejection so that even `undefined` counts as an error in `useAsyncState`. */
class Failure {
  constructor(readonly reason: Error) {}
}

/** Passed instead of arguments to start a run that only invalidates the ones in flight. */
const INVALIDATE = Symbol('invalidate')

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
): FunctionCallReturn<Fn> {
  const { resetOnExecute = true, timeout = 0, onSuccess, onError } = options
  checkPlainReference(caller, reference, example)

  type Result = FunctionReturnType<Fn>
  type Args = FunctionArgs<Fn>

  /** `true` before the first call and after `reset()`: hides a run that only invalidates. */
  const idle = shallowRef(true)
  /** Bumped by `reset()` and scope disposal: calls started before it fire no callbacks. */
  let epoch = 0

  const { state, isLoading, error: failure, executeImmediate } = useAsyncState<Result | undefined, [Args | typeof INVALIDATE]>(
    async (args) => {
      if (args === INVALIDATE)
        return undefined
      let stopListening = () => {}
      let name = ''
      try {
        const fn = toValue(reference)
        name = functionName(caller, fn, example)
        if ((client as { closed?: boolean }).closed)
          throw usageError(caller, `cannot call "${name}": the Convex client is closed.`)
        // A closed client never settles what is in flight: stop waiting when it closes.
        const closed = new Promise<never>((_, reject) => {
          stopListening = onClientClose(client, () => reject(usageError(caller, `the Convex client was closed while "${name}" was in flight; its outcome is unknown.`)))
        })
        const call = Promise.race([invoke(fn, args), closed])
        return await (timeout > 0 ? withTimeout(call, timeout, `${caller}: "${name}"`) : call)
      }
      catch (e) {
        throw new Failure(explainUnsendable(caller, name, args, e) as Error)
      }
      finally {
        stopListening()
      }
    },
    undefined,
    { immediate: false, resetOnExecute, throwError: true, shallow: true, onError: () => {} },
  )

  const status = computed<CallStatus>(() => {
    if (idle.value)
      return 'idle'
    if (isLoading.value)
      return 'pending'
    return failure.value ? 'error' : 'success'
  })
  const pending = computed(() => status.value === 'pending')
  const error = computed<Error | null>(() => failure.value instanceof Failure ? failure.value.reason : null)

  async function execute(args: Args = {} as Args): Promise<Result> {
    const started = epoch
    idle.value = false
    try {
      const data = (await executeImmediate(args)) as Result
      if (started === epoch)
        onSuccess?.(data, args)
      return data
    }
    catch (e) {
      const reason = e instanceof Failure ? e.reason : e as Error
      if (started === epoch)
        onError?.(reason, args)
      throw reason
    }
  }

  function invalidate() {
    epoch++
    // A newer run makes every run in flight stale: useAsyncState then ignores their outcome.
    void executeImmediate(INVALIDATE)
  }

  function reset() {
    invalidate()
    idle.value = true
    state.value = undefined
  }

  tryOnScopeDispose(invalidate)

  // `execute` takes the arguments object, or none for a function without arguments.
  return { execute: execute as FunctionCallReturn<Fn>['execute'], data: state, status, pending, error, reset }
}
