// The Vue Devtools plugin: a "Convex" inspector (live queries, paginated lists, auth, connection)
// and two timeline layers (calls, query updates). Loaded by the plugin in development only.
import type { App } from 'vue'
import type { DevtoolsEvent, DevtoolsRegistry } from './devtoolsRegistry'
import type { ConvexClientLike, ConvexContext } from './types'
import { setupDevtoolsPlugin } from '@vue/devtools-api'

const INSPECTOR = 'vueuse-convex'
const LAYERS = { calls: 'vueuse-convex:calls', queries: 'vueuse-convex:queries' } as const

interface StateField { key: string, value: unknown }

/** The inspector's tree: what is live now. */
export function inspectorTree(registry: DevtoolsRegistry) {
  return [
    { id: 'auth', label: 'Auth' },
    { id: 'connection', label: 'Connection' },
    {
      id: 'queries',
      label: `Live queries (${registry.queries.size})`,
      children: [...registry.queries].map(([key, q]) => ({
        id: `query:${key}`,
        label: q.name,
        tags: [{ label: q.error ? 'error' : q.updatedAt ? `${q.consumers} using` : 'loading', textColor: 0xFFFFFF, backgroundColor: q.error ? 0xD32F2F : 0x1E88E5 }],
      })),
    },
    {
      id: 'lists',
      label: `Paginated lists (${registry.lists.size})`,
      children: [...registry.lists].map(([id, list]) => ({ id: `list:${id}`, label: list.name, tags: [{ label: list.read().status, textColor: 0xFFFFFF, backgroundColor: 0x43A047 }] })),
    },
  ]
}

/** The inspector's state of one node. */
export function inspectorState(registry: DevtoolsRegistry, context: ConvexContext, client: ConvexClientLike, nodeId: string): Record<string, StateField[]> {
  const fields = (o: Record<string, unknown>) => Object.entries(o).map(([key, value]) => ({ key, value }))
  if (nodeId === 'auth') {
    const { isLoading, isAuthenticated, error } = context.auth
    return { auth: fields({ isLoading, isAuthenticated, error: error?.message ?? null, renderedSignedIn: context.ssr.auth?.isAuthenticated ?? null }) }
  }
  if (nodeId === 'connection')
    return { connection: fields(client.connectionState?.() ?? { note: 'this client has no WebSocket' }) }
  if (nodeId.startsWith('query:')) {
    const q = registry.queries.get(nodeId.slice('query:'.length))
    if (!q)
      return {}
    return { query: fields({ function: q.name, args: q.args, consumers: q.consumers, value: q.value, error: q.error?.message ?? null, updates: q.updates, lastUpdate: q.updatedAt ? new Date(q.updatedAt).toISOString() : null }) }
  }
  if (nodeId.startsWith('list:')) {
    const list = registry.lists.get(Number(nodeId.slice('list:'.length)))
    if (!list)
      return {}
    const { status, pages } = list.read()
    return { list: fields({ function: list.name, args: list.args, status }), pages: pages.map((page, i) => ({ key: `page ${i + 1}`, value: page })) }
  }
  return {}
}

/** What other tools read of the inspector: `window.__VUEUSE_CONVEX_DEVTOOLS__` (the Nuxt DevTools tab). */
export interface DevtoolsExposed {
  /** The inspector's tree, as Vue Devtools shows it. */
  tree: () => ReturnType<typeof inspectorTree>
  /** The inspector's state of one node of the tree. */
  state: (nodeId: string) => Record<string, StateField[]>
  /** Calls `fn` (at most every 100 ms) when anything shown changed; returns how to stop. */
  subscribe: (fn: () => void) => () => void
}

/** Connects the registry to Vue Devtools for `app`, and exposes it to other tools. */
export function setupDevtools(app: App, context: ConvexContext, client: ConvexClientLike, registry: DevtoolsRegistry): void {
  const watchers = new Set<() => void>()
  let toDevtools: ((event: DevtoolsEvent | null) => void) | undefined
  let scheduled = false
  registry.listener = (event) => {
    toDevtools?.(event)
    if (!scheduled) {
      scheduled = true
      setTimeout(() => {
        scheduled = false
        watchers.forEach(fn => fn())
      }, 100)
    }
  }
  const exposed: DevtoolsExposed = {
    tree: () => inspectorTree(registry),
    state: nodeId => inspectorState(registry, context, client, nodeId),
    subscribe(fn) {
      watchers.add(fn)
      return () => watchers.delete(fn)
    },
  }
  ;(globalThis as { __VUEUSE_CONVEX_DEVTOOLS__?: DevtoolsExposed }).__VUEUSE_CONVEX_DEVTOOLS__ = exposed
  setupDevtoolsPlugin({
    id: 'vueuse-convex',
    label: 'Convex',
    packageName: '@vueuse-convex/core',
    homepage: 'https://github.com/vueuse-convex/vueuse-convex',
    app: app as any,
  }, (api) => {
    api.addInspector({ id: INSPECTOR, label: 'Convex', icon: 'cloud_sync', treeFilterPlaceholder: 'Search queries' })
    api.addTimelineLayer({ id: LAYERS.calls, label: 'Convex calls', color: 0xF3694C })
    api.addTimelineLayer({ id: LAYERS.queries, label: 'Convex queries', color: 0x8D6BE8 })
    api.on.getInspectorTree((payload) => {
      if (payload.inspectorId === INSPECTOR)
        payload.rootNodes = inspectorTree(registry)
    })
    api.on.getInspectorState((payload) => {
      if (payload.inspectorId === INSPECTOR)
        payload.state = inspectorState(registry, context, client, payload.nodeId) as any
    })
    exposed.subscribe(() => {
      api.sendInspectorTree(INSPECTOR)
      api.sendInspectorState(INSPECTOR)
    })
    toDevtools = (event) => {
      if (event)
        api.addTimelineEvent({ layerId: LAYERS[event.layer], event: { time: api.now(), title: event.title, subtitle: event.subtitle, data: event.data, logType: event.logType } })
    }
  })
}
