import type { FunctionReference } from 'convex/server'
import type { MaybeRefOrGetter } from 'vue'
import type { CallStatus, FunctionCallOptions, FunctionCallReturn } from '../_internal/useFunctionCall'
import { resolveClient, usageError } from '../_internal'
import { ConvexTimeoutError } from '../_internal/timeout'
import { useFunctionCall } from '../_internal/useFunctionCall'

export { ConvexTimeoutError }

/** Where a {@link useConvexAction} call stands. */
export type ActionStatus = CallStatus

/** Options of {@link useConvexAction}. */
export interface UseConvexActionOptions<Action extends FunctionReference<'action'>> extends FunctionCallOptions<Action> {}

/** What {@link useConvexAction} returns: `execute`, `data`, `status`, `pending`, `error`, `reset`. */
export interface UseConvexActionReturn<Action extends FunctionReference<'action'>> extends FunctionCallReturn<Action> {}

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
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'the client has no action() method. Pass a ConvexClient or ConvexHttpClient.')
  return useFunctionCall(NAME, 'api.ai.generate', action, options, client, (fn, args) => client.action!(fn, args))
}
