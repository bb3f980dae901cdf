import type { OptimisticUpdate } from 'convex/browser'
import type { FunctionArgs, FunctionReference } from 'convex/server'
import type { Value } from 'convex/values'
import type { MaybeRefOrGetter } from 'vue'
import type { CallStatus, FunctionCallOptions, FunctionCallReturn } from '../_internal/useFunctionCall'
import { getFunctionName } from 'convex/server'
import { convexToJson } from 'convex/values'
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

/** What {@link useConvexMutation} returns: the same as `useConvexAction`, plus `withOptimisticUpdate`. */
export interface UseConvexMutationReturn<Mutation extends FunctionReference<'mutation'>> extends FunctionCallReturn<Mutation> {
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
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'the client has no mutation() method. Pass a ConvexClient or ConvexHttpClient.')
  let optimisticUpdate = options.optimisticUpdate

  const state = useFunctionCall(NAME, 'api.messages.send', mutation, options, client, (fn, args) => {
    if (!optimisticUpdate)
      return client.mutation!(fn, args)
    // Convex's client applies the update before it serializes the arguments, and keeps it when
    // serializing then throws: check that they can be sent first.
    try {
      convexToJson(args as Value)
    }
    catch (e) {
      throw usageError(5, NAME, process.env.NODE_ENV !== 'production' && `the arguments of "${getFunctionName(fn)}" cannot be sent to Convex, so neither the mutation nor its optimistic update ran: ${(e as Error).message}`)
    }
    return client.mutation!(fn, args, { optimisticUpdate })
  })

  const result: UseConvexMutationReturn<Mutation> = {
    ...state,
    withOptimisticUpdate(update) {
      optimisticUpdate = update
      return result
    },
  }
  return result
}
