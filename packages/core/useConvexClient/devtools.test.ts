// The plugin's Vue Devtools integration, driven through a stand-in for @vue/devtools-api that
// records what the plugin registers, as the devtools panel would ask for it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConvexVue } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex } from '../_test'
import { useConvexAction } from '../useConvexAction'
import { useConvexMutation } from '../useConvexMutation'
import { useConvexPaginatedQuery } from '../useConvexPaginatedQuery'
import { useConvexQuery } from '../useConvexQuery'

const devtools = vi.hoisted(() => {
  const state = {
    plugins: [] as Array<{ id: string, label: string }>,
    inspectors: [] as string[],
    layers: [] as string[],
    events: [] as Array<{ layerId: string, event: { title: string, subtitle?: string, data: Record<string, any>, logType?: string } }>,
    tree: undefined as undefined | ((payload: any) => void),
    state: undefined as undefined | ((payload: any) => void),
  }
  const api = {
    addInspector: (o: { id: string }) => state.inspectors.push(o.id),
    addTimelineLayer: (o: { id: string }) => state.layers.push(o.id),
    addTimelineEvent: (e: any) => state.events.push(e),
    on: {
      getInspectorTree: (f: any) => (state.tree = f),
      getInspectorState: (f: any) => (state.state = f),
    },
    now: () => Date.now(),
    sendInspectorTree: () => {},
    sendInspectorState: () => {},
  }
  return { state, setupDevtoolsPlugin: (descriptor: any, setup: (a: typeof api) => void) => {
    state.plugins.push(descriptor)
    setup(api)
  } }
})
vi.mock('@vue/devtools-api', () => ({ setupDevtoolsPlugin: devtools.setupDevtoolsPlugin }))

const convex = useTestConvex()

function tree() {
  const payload = { inspectorId: 'vueuse-convex', rootNodes: [] as any[] }
  devtools.state.tree!(payload)
  return payload.rootNodes
}
function stateOf(nodeId: string) {
  const payload = { inspectorId: 'vueuse-convex', nodeId, state: {} as Record<string, Array<{ key: string, value: any }>> }
  devtools.state.state!(payload)
  return Object.fromEntries(Object.entries(payload.state).map(([section, fields]) => [section, Object.fromEntries(fields.map(f => [f.key, f.value]))]))
}

describe('vue Devtools', () => {
  beforeEach(() => {
    // What the devtools extension (or the Vite plugin) sets before the app runs.
    ;(globalThis as any).__VUE_DEVTOOLS_GLOBAL_HOOK__ = {}
    devtools.state.plugins.length = 0
    devtools.state.events.length = 0
  })
  afterEach(() => {
    delete (globalThis as any).__VUE_DEVTOOLS_GLOBAL_HOOK__
    delete (globalThis as any).__VUEUSE_CONVEX_DEVTOOLS__
  })

  it('stays out of the app where no devtools are present', async () => {
    delete (globalThis as any).__VUE_DEVTOOLS_GLOBAL_HOOK__
    useSetup(() => null, [createConvexVue({ client: convex.client })])
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(devtools.state.plugins).toEqual([])
  })

  it('registers a Convex inspector and two timeline layers when the plugin is installed', async () => {
    useSetup(() => null, [createConvexVue({ client: convex.client })])
    await vi.waitFor(() => expect(devtools.state.plugins).toHaveLength(1))
    expect(devtools.state.plugins[0]).toMatchObject({ id: 'vueuse-convex', label: 'Convex' })
    expect(devtools.state.inspectors).toContain('vueuse-convex')
    expect(devtools.state.layers).toEqual(expect.arrayContaining(['vueuse-convex:calls', 'vueuse-convex:queries']))
  })

  it('the inspector shows live queries with consumers and values, paginated lists, auth and connection', async () => {
    await convex.client.mutation(api.messages.send, { author: 'ada', body: 'hi' })
    const plugin = createConvexVue({ client: convex.client })
    const page = useSetup(() => ({
      count: useConvexQuery(api.counter.get, { name: 'a' }),
      again: useConvexQuery(api.counter.get, { name: 'a' }),
      list: useConvexPaginatedQuery(api.messages.page, {}, { initialNumItems: 5 }),
    }), [plugin])
    await vi.waitFor(() => expect(devtools.state.tree).toBeDefined())
    await vi.waitFor(() => expect(page.result.list.status.value).toBe('Exhausted'))
    const nodes = tree()
    const queries = nodes.find(n => n.id === 'queries')
    expect(queries.children.map((c: any) => c.label)).toEqual(expect.arrayContaining(['counter:get', 'messages:page']))
    const counter = queries.children.find((c: any) => c.label === 'counter:get')
    expect(stateOf(counter.id).query).toMatchObject({ function: 'counter:get', args: { name: 'a' }, consumers: 2, value: 0, error: null, updates: expect.any(Number) })
    const list = nodes.find(n => n.id === 'lists').children[0]
    expect(list.label).toBe('messages:page')
    expect(stateOf(list.id)).toMatchObject({ list: { status: 'Exhausted' }, pages: { 'page 1': { cursor: null, numItems: 5, status: 'success', items: 1 } } })
    expect(stateOf('auth').auth).toMatchObject({ isLoading: false, isAuthenticated: false })
    expect(stateOf('connection').connection).toMatchObject({ isWebSocketConnected: true })
    page.unmount()
    expect(tree().find(n => n.id === 'queries').children).toEqual([])
    expect(tree().find(n => n.id === 'lists').children).toEqual([])
  })

  it('exposes the same inspector to other tools (the Nuxt DevTools tab), and tells them of changes', async () => {
    const plugin = createConvexVue({ client: convex.client })
    const page = useSetup(() => ({ count: useConvexQuery(api.counter.get, { name: 'b' }) }), [plugin])
    await vi.waitFor(() => expect((globalThis as any).__VUEUSE_CONVEX_DEVTOOLS__).toBeDefined())
    const exposed = (globalThis as any).__VUEUSE_CONVEX_DEVTOOLS__
    await vi.waitFor(() => expect(page.result.count.data.value).toBe(0))
    expect(exposed.tree()).toEqual(tree())
    const node = exposed.tree().find((n: any) => n.id === 'queries').children[0]
    expect(exposed.state(node.id).query.find((f: any) => f.key === 'value').value).toBe(0)
    const changed = vi.fn()
    const stop = exposed.subscribe(changed)
    await convex.client.mutation(api.counter.increment, { name: 'b' })
    await vi.waitFor(() => expect(changed).toHaveBeenCalled())
    expect(exposed.state(node.id).query.find((f: any) => f.key === 'value').value).toBe(1)
    stop()
    changed.mockClear()
    await convex.client.mutation(api.counter.increment, { name: 'b' })
    await vi.waitFor(() => expect(page.result.count.data.value).toBe(2))
    await new Promise(resolve => setTimeout(resolve, 150))
    expect(changed).not.toHaveBeenCalled()
    page.unmount()
  })

  it('the timeline hears every call with its outcome and duration, and every query update', async () => {
    const plugin = createConvexVue({ client: convex.client })
    const { result } = useSetup(() => ({
      generate: useConvexAction(api.ai.generate),
      crash: useConvexAction(api.ai.crash),
      increment: useConvexMutation(api.counter.increment, {
        optimisticUpdate: (store, { name }) => store.setQuery(api.counter.get, { name }, 99),
      }),
      count: useConvexQuery(api.counter.get, { name: 'a' }),
    }), [plugin])
    await vi.waitFor(() => expect(devtools.state.plugins).toHaveLength(1))
    await result.generate.execute({ prompt: 'Hello' })
    await result.crash.execute().catch(() => {})
    await result.increment.execute({ name: 'a' })
    await vi.waitFor(() => expect(result.count.data.value).toBe(1))
    const calls = devtools.state.events.filter(e => e.layerId === 'vueuse-convex:calls').map(e => e.event)
    expect(calls.map(e => [e.title, e.subtitle])).toEqual([
      ['ai:generate', 'useConvexAction · success'],
      ['ai:crash', 'useConvexAction · error'],
      ['counter:increment', 'useConvexMutation · success'],
    ])
    expect(calls[0]!.data).toMatchObject({ args: { prompt: 'Hello' }, outcome: 'success', duration: expect.stringMatching(/^\d+ ms$/) })
    expect(calls[1]!.data.error).toContain('The model crashed')
    expect(calls[1]!.logType).toBe('error')
    expect(calls[2]!.data.optimisticUpdate).toMatch(/^applied/)
    const updates = devtools.state.events.filter(e => e.layerId === 'vueuse-convex:queries').map(e => e.event)
    expect(updates.some(e => e.title === 'counter:get' && e.data.value === 1)).toBe(true)
  })

  it('shows each entry\'s source (ssr, persisted, cache, live, optimistic), age and subscription state', async () => {
    const plugin = createConvexVue({ client: convex.client, keepAliveMs: 40, gcTimeMs: 60_000, initialState: { queries: { 'counter:get:{"name":"r"}': 5 } } })
    const page = useSetup(() => ({
      rendered: useConvexQuery(api.counter.get, { name: 'r' }),
      count: useConvexQuery(api.counter.get, { name: 'a' }),
      increment: useConvexMutation(api.counter.increment, {
        optimisticUpdate: (store, { name }) => store.setQuery(api.counter.get, { name }, 99),
      }),
    }), [plugin])
    await vi.waitFor(() => expect(devtools.state.tree).toBeDefined())
    const node = (label: string, args: object) => tree().find(n => n.id === 'queries').children.find((c: any) => c.label === label && stateOf(c.id).query.args.name === (args as any).name)
    // The hydrating render showed the server's value first.
    expect(page.result.rendered.source.value).toBe('ssr')
    await vi.waitFor(() => expect(page.result.count.status.value).toBe('success'))
    await vi.waitFor(() => expect(stateOf(node('counter:get', { name: 'a' }).id).query).toMatchObject({ source: 'live', age: expect.stringMatching(/^\d+ s$/), subscription: 'open (1 using)' }))
    expect(node('counter:get', { name: 'a' }).tags.map((t: any) => t.label)).toEqual(['1 using', 'live'])
    // An optimistic update shows as such until the server confirms it.
    const sent = page.result.increment.execute({ name: 'a' })
    await vi.waitFor(() => expect(page.result.count.data.value).toBe(99))
    expect(stateOf(node('counter:get', { name: 'a' }).id).query.source).toBe('optimistic')
    await sent
    await vi.waitFor(() => expect(stateOf(node('counter:get', { name: 'a' }).id).query).toMatchObject({ source: 'live', value: 1 }))
    // Once nobody uses it: kept subscribed (keepAliveMs), then only its value (gcTimeMs).
    page.unmount()
    const idle = () => tree().find(n => n.id === 'idle').children.find((c: any) => c.id === 'idle:counter:get:{"name":"a"}')
    expect(idle().tags.map((t: any) => t.label)).toEqual(['live', 'subscribed'])
    await vi.waitFor(() => expect(idle().tags.map((t: any) => t.label)).toEqual(['cache', 'not subscribed']))
    expect(stateOf(idle().id).query).toMatchObject({ source: 'cache', age: expect.stringMatching(/^\d+ s$/), subscription: 'closed (value kept)' })
  })
})
