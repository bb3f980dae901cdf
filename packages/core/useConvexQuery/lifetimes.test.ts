import type { App, ComponentInternalInstance, ShallowRef } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, getCurrentInstance, h, markRaw, shallowRef } from 'vue'
import { useConvexQuery } from '.'
import { api } from '../../../docs/backend'
import { cacheEntries, heldQueries } from '../_internal/cache'
import { useTestConvex } from '../_test'
import { createConvexVue } from '../useConvexClient'

const convex = useTestConvex()
const apps: App[] = []
afterEach(() => apps.splice(0).forEach(app => app.unmount()))

/** Queries the client subscribes to from now on (ModifyQuerySet additions). */
function subscriptionsSent() {
  const sends = vi.spyOn(convex.backend.WebSocket.prototype, 'send')
  const start = sends.mock.calls.length
  return () => sends.mock.calls.slice(start).map(([data]) => JSON.parse(data as string)).filter(m => m.type === 'ModifyQuerySet').reduce((n, m) => n + m.modifications.filter((q: any) => q.type === 'Add').length, 0)
}

const hosts = new Map<object, { pages: ShallowRef<object[]>, flush: () => void }>()
afterEach(() => hosts.clear())

/**
 * Mounts a reader of counter `name` in a page of the app (one app per test, as a single-page
 * app navigates: apps that unmount empty the cache); `first` is what its first frame showed.
 */
function mount(plugin: ReturnType<typeof createConvexVue>, name: string, own: Parameters<typeof useConvexQuery>[2] = {}) {
  const frames: Array<{ status: string, data: unknown, isStale: boolean, source: unknown }> = []
  const Reader = defineComponent({
    setup() {
      const q = useConvexQuery(api.counter.get, { name }, own)
      return () => {
        frames.push({ status: q.status.value, data: q.data.value, isStale: q.isStale.value, source: q.source.value })
        return h('i')
      }
    },
  })
  const host = hosts.get(plugin) ?? createHost(plugin)
  const page = markRaw(Reader)
  host.pages.value = [...host.pages.value, page]
  host.flush()
  return {
    first: frames[0]!,
    last: () => frames.at(-1)!,
    unmount: () => {
      host.pages.value = host.pages.value.filter(p => p !== page)
      host.flush()
    },
  }
}

function createHost(plugin: ReturnType<typeof createConvexVue>) {
  const pages = shallowRef<object[]>([])
  let instance: ComponentInternalInstance | null = null
  const app = createApp(defineComponent({
    setup() {
      instance = getCurrentInstance()
      return () => pages.value.map(p => h(p))
    },
  })).use(plugin)
  apps.push(app)
  app.mount(document.createElement('div'))
  // Renders the page list now (a navigation), not at the next tick.
  const host = { pages, flush: () => instance!.update() }
  hosts.set(plugin, host)
  return host
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('lifetimes apart: keepAliveMs and gcTimeMs', () => {
  it('(6) within keepAliveMs a remount does not subscribe again; between keepAliveMs and gcTimeMs it renders the kept value stale, then live', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 3 })
    const plugin = createConvexVue({ client: convex.client, keepAliveMs: 60, gcTimeMs: 60_000 })
    const visit = mount(plugin, 'a')
    await vi.waitFor(() => expect(visit.last()).toMatchObject({ status: 'success', data: 3 }))
    visit.unmount()
    // Within keepAliveMs: live at once, nothing sent.
    const sent = subscriptionsSent()
    const back = mount(plugin, 'a')
    expect(back.first).toEqual({ status: 'success', data: 3, isStale: false, source: 'live' })
    await convex.flush()
    expect(sent()).toBe(0)
    back.unmount()
    // After keepAliveMs the subscription closes; the value is kept.
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
    expect(heldQueries(convex.client)).toEqual([])
    expect(cacheEntries(convex.client)).toMatchObject([{ key: 'counter:get:{"name":"a"}', subscribed: false }])
    await convex.client.mutation(api.counter.increment, { name: 'a', by: 1 })
    const later = mount(plugin, 'a')
    expect(later.first).toEqual({ status: 'success', data: 3, isStale: true, source: 'cache' })
    await vi.waitFor(() => expect(later.last()).toEqual({ status: 'success', data: 4, isStale: false, source: 'live' }))
    expect(sent()).toBe(1)
  })

  it('(6) after gcTimeMs a remount is pending', async () => {
    const plugin = createConvexVue({ client: convex.client, gcTimeMs: 30 })
    const visit = mount(plugin, 'a')
    await vi.waitFor(() => expect(visit.last().status).toBe('success'))
    visit.unmount()
    // No keepAliveMs: the subscription ends with the reader, the value stays for gcTimeMs.
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
    await vi.waitFor(() => expect(cacheEntries(convex.client)).toEqual([]))
    expect(mount(plugin, 'a').first).toMatchObject({ status: 'pending', data: undefined, source: undefined })
  })

  it('per query: its own keepAliveMs and gcTimeMs override the plugin\'s, and the older gcTime sets both', async () => {
    const plugin = createConvexVue({ client: convex.client })
    const visit = mount(plugin, 'a', { gcTimeMs: 60_000 })
    await vi.waitFor(() => expect(visit.last().status).toBe('success'))
    visit.unmount()
    await vi.waitFor(() => expect(convex.backend.subscriptionCount).toBe(0))
    expect(mount(plugin, 'a').first).toMatchObject({ status: 'success', isStale: true, source: 'cache' })
    const kept = mount(plugin, 'b', { gcTime: 60_000 })
    await vi.waitFor(() => expect(kept.last().status).toBe('success'))
    kept.unmount()
    expect(heldQueries(convex.client)).toEqual(['counter:get:{"name":"b"}'])
    expect(() => mount(plugin, 'c', { keepAliveMs: -1 })).toThrow(/keepAliveMs is how long \(ms\)/)
    expect(() => createConvexVue({ client: convex.client, gcTimeMs: Number.NaN })).toThrow(/gcTimeMs is how long \(ms\)/)
  })

  it('(7) at the idle cap the least recently used value goes, not the newest', async () => {
    const plugin = createConvexVue({ client: convex.client, gcTimeMs: 60_000, maxIdleQueries: 2 })
    const visit = async (name: string) => {
      const page = mount(plugin, name)
      await vi.waitFor(() => expect(page.last().status).toBe('success'))
      page.unmount()
      return page.first
    }
    await visit('a')
    await visit('b')
    expect(await visit('a')).toMatchObject({ source: 'cache' }) // a is now the most recently used
    await visit('c') // over the cap: b, the least recently used, goes
    const b = mount(plugin, 'b').first
    expect(b.status).toBe('pending')
    expect(mount(plugin, 'a').first.status).toBe('success')
    expect(mount(plugin, 'c').first.status).toBe('success')
  })

  it('a lifetime longer than a timer can wait is clamped, not fired at once', async () => {
    const plugin = createConvexVue({ client: convex.client, keepAliveMs: 2 ** 32 })
    const visit = mount(plugin, 'a')
    await vi.waitFor(() => expect(visit.last().status).toBe('success'))
    const timers = vi.spyOn(globalThis, 'setTimeout')
    visit.unmount()
    expect(timers.mock.calls.map(([, ms]) => ms)).toContain(2 ** 31 - 1)
    timers.mockRestore()
    await sleep(30) // Node fires an overflowing timer after 1 ms
    expect(heldQueries(convex.client)).toHaveLength(1)
    expect(convex.backend.subscriptionCount).toBe(1)
  })
})
