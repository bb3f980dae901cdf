import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { CallStatus, FunctionCallOptions } from '../_internal/useFunctionCall'
import { resolveClient, usageError } from '../_internal'
import { ConvexTimeoutError } from '../_internal/timeout'
import { useFunctionCall } from '../_internal/useFunctionCall'

export { ConvexTimeoutError }

/** Where a {@link useConvexAction} call stands. */
export type ActionStatus = CallStatus

/** Options of {@link useConvexAction}. */
export interface UseConvexActionOptions<Action extends FunctionReference<'action'>> extends FunctionCallOptions<Action> {}

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

/**
 * Runs a Convex action from a component: reactive `data`, `status`, `pending` and
 * `error`, with arguments and result typed from the function reference.
 *
 * @param action A reference such as `api.ai.generate` (or a shallowRef / getter of one).
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
  const client = resolveClient(NAME, options.client)
  if (typeof client.action !== 'function')
    throw usageError(NAME, 'the client has no action() method. Pass a ConvexClient or ConvexHttpClient.')
  const state = useFunctionCall(NAME, 'api.ai.generate', action, options, client, (fn, args) => client.action!(fn, args))
  return state as UseConvexActionReturn<Action>
}
