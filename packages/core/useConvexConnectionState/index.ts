import type { ConnectionState } from 'convex/browser'
import type { ToRefs } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { shallowReactive, shallowReadonly, toRefs } from 'vue'
import { resolveClient } from '../_internal'

/** Options of {@link useConvexConnectionState}. */
export interface UseConvexConnectionStateOptions {
  /**
   * The client to watch, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
}

/** What {@link useConvexConnectionState} returns: each field of the client's `ConnectionState` as a readonly ref. */
export type UseConvexConnectionStateReturn = ToRefs<Readonly<ConnectionState>>

const OFFLINE: ConnectionState = {
  hasInflightRequests: false,
  isWebSocketConnected: false,
  timeOfOldestInflightRequest: null,
  hasEverConnected: false,
  connectionCount: 0,
  connectionRetries: 0,
  inflightMutations: 0,
  inflightActions: 0,
}

/**
 * The client's connection state, live: `isWebSocketConnected`, `hasInflightRequests`,
 * `inflightMutations`, `connectionRetries`... With an HTTP client (server-side rendering) it stays
 * disconnected.
 *
 * @example
 * const { isWebSocketConnected, hasInflightRequests } = useConvexConnectionState()
 */
export function useConvexConnectionState(options: UseConvexConnectionStateOptions = {}): UseConvexConnectionStateReturn {
  const client = resolveClient('useConvexConnectionState', options.client)
  const watchable = typeof client.connectionState === 'function' && typeof client.subscribeToConnectionState === 'function'
  const state = shallowReactive<ConnectionState>({ ...OFFLINE, ...(watchable ? client.connectionState!() : {}) })
  if (watchable) {
    const unsubscribe = client.subscribeToConnectionState!((next: ConnectionState) => Object.assign(state, next))
    tryOnScopeDispose(unsubscribe)
  }
  return toRefs(shallowReadonly(state)) as UseConvexConnectionStateReturn
}
