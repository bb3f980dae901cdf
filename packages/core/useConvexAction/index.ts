import type { FunctionArgs, FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose, useAsyncState } from '@vueuse/core'
import { computed, isRef, shallowRef, toValue } from 'vue'
import { functionName, resolveClient, usageError } from '../_internal'
import { ConvexTimeoutError, withTimeout } from '../_internal/timeout'

export { ConvexTimeoutError }

/** Where a {@link useConvexAction} call stands. */
export type ActionStatus = 'idle' | 'pending' | 'success' | 'error'

/** Options of {@link useConvexAction}. */
export interface UseConvexActionOptions<Action extends FunctionReference<'action'>> {
  /**
   * The client to call the action with, instead of the provided one.
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
   * milliseconds. The action may still finish on the server; its late result is ignored.
   * @default 0 (no timeout)
   */
  timeout?: number
  /**
   * Called with the result and the arguments of every call that succeeds,
   * unless `reset()` ran or the scope was disposed while it was in flight.
   * @default undefined
   */
  onSuccess?: (data: FunctionReturnType<Action>, args: FunctionArgs<Action>) => void
  /**
   * Called with the error and the arguments of every call that fails,
   * unless `reset()` ran or the scope was disposed while it was in flight.
   * @default undefined
   */
  onError?: (error: Error, args: FunctionArgs<Action>) => void
}

/** What {@link useConvexAction} returns. */
export interface UseConvexActionReturn<Action extends FunctionReference<'action'>> {
  /**
   * Runs the action and resolves with its result. Rejects with the client's error
   * (a `ConvexError` keeps its class and `.data`) and sets `error`.
   */
  execute: (...args: OptionalRestArgs<Action>) => Promise<FunctionReturnType<Action>>
  /** The result of the latest successful call; `undefined` before one and after `reset()`. */
  data: Readonly<ShallowRef<FunctionReturnType<Action> | undefined>>
  /** `'idle'`, `'pending'`, `'success'` or `'error'`, for the latest call. */
  status: ComputedRef<ActionStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** The error of the latest call; `null` before one fails, on a new call and after `reset()`. */
  error: ComputedRef<Error | null>
  /** Back to `'idle'`: clears `data` and `error`; a call still in flight will not write state. */
  reset: () => void
}

/** Boxes a rejection so that even `undefined` counts as an error in `useAsyncState`. */
class Failure {
  constructor(readonly error: Error) {}
}

/** Passed instead of arguments to start a run that only invalidates the ones in flight. */
const INVALIDATE = Symbol('invalidate')

/**
 * Runs a Convex action from a component: reactive `data`, `status`, `pending` and
 * `error`, with arguments and result typed from the function reference.
 *
 * @param action A reference such as `api.ai.generate` (or a ref / getter of one).
 * @param options See {@link UseConvexActionOptions}.
 * @example
 * const { execute, data, pending, error } = useConvexAction(api.ai.generate)
 * await execute({ prompt: 'Hello' })
 */
export function useConvexAction<Action extends FunctionReference<'action'>>(
  action: MaybeRefOrGetter<Action>,
  options: UseConvexActionOptions<Action> = {},
): UseConvexActionReturn<Action> {
  const NAME = 'useConvexAction'
  const {
    resetOnExecute = true,
    timeout = 0,
    onSuccess,
    onError,
  } = options
  const client = resolveClient(NAME, options.client)
  if (typeof client.action !== 'function')
    throw usageError(NAME, 'the client has no action() method. Pass a ConvexClient or ConvexHttpClient.')
  // A plain reference is checked now, a ref or getter on each call.
  if (typeof action !== 'function' && !isRef(action))
    functionName(NAME, action, 'api.ai.generate')

  type Result = FunctionReturnType<Action>
  type Args = FunctionArgs<Action>

  /** `true` before the first call and after `reset()`: hides a run that only invalidates. */
  const idle = shallowRef(true)
  /** Bumped by `reset()` and scope disposal: calls started before it fire no callbacks. */
  let epoch = 0

  const { state, isLoading, error: failure, executeImmediate } = useAsyncState<Result | undefined, [Args | typeof INVALIDATE]>(
    async (args) => {
      if (args === INVALIDATE)
        return undefined
      try {
        const reference = toValue(action)
        const name = functionName(NAME, reference, 'api.ai.generate')
        const call = client.action!(reference, args)
        return await (timeout > 0 ? withTimeout(call, timeout, `${NAME}: action "${name}"`) : call)
      }
      catch (e) {
        throw new Failure(e as Error)
      }
    },
    undefined,
    { immediate: false, resetOnExecute, throwError: true, shallow: true, onError: () => {} },
  )

  const status = computed<ActionStatus>(() => {
    if (idle.value)
      return 'idle'
    if (isLoading.value)
      return 'pending'
    return failure.value ? 'error' : 'success'
  })
  const pending = computed(() => status.value === 'pending')
  const error = computed<Error | null>(() => failure.value instanceof Failure ? failure.value.error : null)

  async function execute(...rest: OptionalRestArgs<Action>): Promise<Result> {
    const args = (rest[0] ?? {}) as Args
    const started = epoch
    idle.value = false
    try {
      const data = (await executeImmediate(args)) as Result
      if (started === epoch)
        onSuccess?.(data, args)
      return data
    }
    catch (e) {
      const reason = e instanceof Failure ? e.error : e as Error
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

  return { execute, data: state, status, pending, error, reset }
}
