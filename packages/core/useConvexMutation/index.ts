import type { OptimisticUpdate } from 'convex/browser'
import type { FunctionArgs, FunctionReference, FunctionReturnType, OptionalRestArgs } from 'convex/server'
import type { ComputedRef, MaybeRefOrGetter, ShallowRef } from 'vue'
import type { CallStatus, FunctionCallOptions } from '../_internal/useFunctionCall'
import { resolveClient, usageError } from '../_internal'
import { useFunctionCall } from '../_internal/useFunctionCall'

/** Where a {@link useConvexMutation} call stands. */
export type MutationStatus = CallStatus

/** Options of {@link useConvexMutation}. */
export interface UseConvexMutationOptions<Mutation extends FunctionReference<'mutation'>> extends FunctionCallOptions<Mutation> {
  /**
   * Changes the client's local query results while the mutation is in flight, with the
   * `localStore` API of Convex (`getQuery`, `setQuery`, `getAllQueries`). It is rolled back
   * when the mutation fails, and replaced by the server's results when it succeeds.
   * @default undefined
   */
  optimisticUpdate?: OptimisticUpdate<FunctionArgs<Mutation>>
}

/** What {@link useConvexMutation} returns. */
export interface UseConvexMutationReturn<Mutation extends FunctionReference<'mutation'>> {
  /**
   * Runs the mutation and resolves with its result once the client has seen the write.
   * Rejects with the client's error and sets `error`.
   */
  execute: (...args: OptionalRestArgs<Mutation>) => Promise<FunctionReturnType<Mutation>>
  /** The result of the latest successful call; `undefined` before one and after `reset()`. */
  data: Readonly<ShallowRef<FunctionReturnType<Mutation> | undefined>>
  /** `'idle'`, `'pending'`, `'success'` or `'error'`, for the latest call. */
  status: ComputedRef<MutationStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** The error of the latest call; `null` before one fails, on a new call and after `reset()`. */
  error: ComputedRef<Error | null>
  /** Back to `'idle'`: clears `data` and `error`; a call still in flight will not write state. */
  reset: () => void
  /**
   * Sets the optimistic update of later calls (as `options.optimisticUpdate`) and returns
   * the same object, so it chains like Convex's `useMutation(...).withOptimisticUpdate(...)`.
   */
  withOptimisticUpdate: (update: OptimisticUpdate<FunctionArgs<Mutation>>) => UseConvexMutationReturn<Mutation>
}

/**
 * Runs a Convex mutation from a component, with the same state as `useConvexAction`
 * plus optimistic updates.
 *
 * @param mutation A reference such as `api.messages.send` (or a shallowRef / getter of one).
 * @param options See {@link UseConvexMutationOptions}.
 * @example
 * const { execute, pending } = useConvexMutation(api.messages.send)
 * await execute({ author: 'Ada', body: 'Hi' })
 */
export function useConvexMutation<Mutation extends FunctionReference<'mutation'>>(
  mutation: MaybeRefOrGetter<Mutation>,
  options: UseConvexMutationOptions<Mutation> = {},
): UseConvexMutationReturn<Mutation> {
  const NAME = 'useConvexMutation'
  const client = resolveClient(NAME, options.client)
  if (typeof client.mutation !== 'function')
    throw usageError(NAME, 'the client has no mutation() method. Pass a ConvexClient or ConvexHttpClient.')
  let optimisticUpdate = options.optimisticUpdate

  const state = useFunctionCall(NAME, 'api.messages.send', mutation, options, client, (fn, args) =>
    optimisticUpdate
      ? client.mutation!(fn, args, { optimisticUpdate })
      : client.mutation!(fn, args))

  const result = {
    ...state,
    withOptimisticUpdate(update: OptimisticUpdate<FunctionArgs<Mutation>>) {
      optimisticUpdate = update
      return result
    },
  } as UseConvexMutationReturn<Mutation>
  return result
}
