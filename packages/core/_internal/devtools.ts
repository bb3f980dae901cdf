// The Vue Devtools plugin: a "Convex" inspector (live queries, paginated lists, auth, connection)
// and two timeline layers (calls, query updates). Loaded by the plugin in development only.
import type { App } from 'vue'
import type { DevtoolsEvent, DevtoolsRegistry } from './devtoolsRegistry'
import type { ConvexClientLike, ConvexContext } from './types'
import { setupDevtoolsPlugin } from '@vue/devtools-api'
import { cacheEntries } from './cache'

const INSPECTOR = 'vueuse-convex'
const LAYERS = { calls: 'vueuse-convex:calls', queries: 'vueuse-convex:queries' } as const

interface StateField { key: string, value: unknown }

/** How long ago `at` was, for people: "4 s", "3 min", "2 h". */
function age(at: number | undefined): string | null {
  if (at === undefined)
    return null
  const s = Math.max(0, Math.round((Date.now() - at) / 1000))
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`
}

/** Idle entries of the cache (held subscriptions, kept values) and persisted results not being read. */
function idleEntries(registry: DevtoolsRegistry, context: ConvexContext, client: ConvexClientLike) {
  const idle = cacheEntries(client).filter(e => !registry.queries.has(e.key)).map(e => ({ key: e.key, source: e.subscribed ? 'live' : 'cache', subscribed: e.subscribed, at: e.at }))
  const listed = new Set(idle.map(e => e.key))
  for (const e of context.persist?.list() ?? []) {
    if (!registry.queries.has(e.key) && !listed.has(e.key))
      idle.push({ key: e.key, source: 'persisted', subscribed: false, at: e.at })
  }
  return idle
}

const SOURCE_COLORS: Record<string, number> = { live: 0x43A047, optimistic: 0xF9A825, ssr: 0x8E24AA, cache: 0x757575, persisted: 0x6D4C41 }

/** The inspector's tree: what is live now, and what the cache keeps. */
export function inspectorTree(registry: DevtoolsRegistry, context?: ConvexContext, client?: ConvexClientLike) {
  const idle = context && client ? idleEntries(registry, context, client) : []
  return [
    { id: 'auth', label: 'Auth' },
    { id: 'connection', label: 'Connection' },
    {
      id: 'queries',
      label: `Live queries (${registry.queries.size})`,
      children: [...registry.queries].map(([key, q]) => ({
        id: `query:${key}`,
        label: q.name,
        tags: [
          { label: q.error ? 'error' : q.updatedAt ? `${q.consumers} using` : 'loading', textColor: 0xFFFFFF, backgroundColor: q.error ? 0xD32F2F : 0x1E88E5 },
          ...(q.source ? [{ label: q.source, textColor: 0xFFFFFF, backgroundColor: SOURCE_COLORS[q.source] ?? 0x757575 }] : []),
        ],
      })),
    },
    {
      id: 'idle',
      label: `Cached, not in use (${idle.length})`,
      children: idle.map(e => ({
        id: `idle:${e.key}`,
        label: e.key.includes(':{') ? e.key.slice(0, e.key.indexOf(':{')) : e.key,
        tags: [
          { label: e.source, textColor: 0xFFFFFF, backgroundColor: SOURCE_COLORS[e.source] ?? 0x757575 },
          { label: e.subscribed ? 'subscribed' : 'not subscribed', textColor: 0xFFFFFF, backgroundColor: e.subscribed ? 0x1E88E5 : 0x9E9E9E },
        ],
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
    return { query: fields({ function: q.name, args: q.args, source: q.source ?? null, age: age(q.updatedAt), subscription: `open (${q.consumers} using)`, consumers: q.consumers, value: q.value, error: q.error?.message ?? null, updates: q.updates, lastUpdate: q.updatedAt ? new Date(q.updatedAt).toISOString() : null }) }
  }
  if (nodeId.startsWith('idle:')) {
    const e = idleEntries(registry, context, client).find(e => e.key === nodeId.slice('idle:'.length))
    if (!e)
      return {}
    return { query: fields({ key: e.key, source: e.source, age: age(e.at), subscription: e.subscribed ? 'open (kept alive, nobody using it)' : 'closed (value kept)' }) }
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
    tree: () => inspectorTree(registry, context, client),
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
        payload.rootNodes = inspectorTree(registry, context, client)
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
