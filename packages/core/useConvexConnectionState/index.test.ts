import { describe, expect, it, vi } from 'vitest'
import { useConvexConnectionState } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex, withClient } from '../_test'

const convex = useTestConvex()

describe('useConvexConnectionState', () => {
  it('follows the WebSocket as it connects, drops and reconnects', async () => {
    const { result } = useSetup(() => useConvexConnectionState(), [convex])
    await vi.waitFor(() => expect(result.isWebSocketConnected.value).toBe(true))
    expect(result.hasEverConnected.value).toBe(true)
    convex.backend.setOnline(false)
    await vi.waitFor(() => expect(result.isWebSocketConnected.value).toBe(false))
    convex.backend.setOnline(true)
    await vi.waitFor(() => expect(result.isWebSocketConnected.value).toBe(true), { timeout: 5000 })
    expect(result.connectionCount.value).toBeGreaterThanOrEqual(2)
  })

  it('counts requests in flight', async () => {
    convex.backend.setLatency(api.ai.model, 50)
    const { result } = useSetup(() => useConvexConnectionState(), [convex])
    const call = convex.client.action(api.ai.model, {})
    await vi.waitFor(() => expect(result.inflightActions.value).toBe(1))
    expect(result.hasInflightRequests.value).toBe(true)
    await call
    await vi.waitFor(() => expect(result.hasInflightRequests.value).toBe(false))
  })

  it('stays disconnected with a client that has no WebSocket', () => {
    const { result } = withClient({ action: vi.fn() }, () => useConvexConnectionState())
    expect(result.isWebSocketConnected.value).toBe(false)
  })

  it('stops listening on unmount', async () => {
    const { result, unmount } = useSetup(() => useConvexConnectionState(), [convex])
    await vi.waitFor(() => expect(result.isWebSocketConnected.value).toBe(true))
    unmount()
    convex.backend.setOnline(false)
    await vi.waitFor(() => expect(convex.client.connectionState().isWebSocketConnected).toBe(false))
    expect(result.isWebSocketConnected.value).toBe(true)
  })
})
