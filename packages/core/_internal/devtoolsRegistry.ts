// What Vue Devtools shows of the plugin, collected while the app runs. Development only: every
// caller is behind `process.env.NODE_ENV !== 'production'`, so production bundles drop it.

/** Where a value came from (types.ts's QuerySource, written out: types.ts imports this file). */
type Source = 'ssr' | 'persisted' | 'cache' | 'live' | 'optimistic'

/** One live query, as the devtools inspector shows it. */
export interface DevtoolsQuery {
  name: string
  args: unknown
  /** Components (and prefetches) subscribed to it now. */
  consumers: number
  value?: unknown
  error?: Error
  updatedAt?: number
  updates: number
  /** Where `value` came from: the server render, storage, the cache, the subscription, or an optimistic update. */
  source?: Source
}

/** One paginated list: read when the inspector asks. */
export interface DevtoolsList {
  name: string
  args: unknown
  read: () => { status: string, pages: Array<{ cursor: string | null, numItems: number, status: string, items: number }> }
}

/** A timeline event. */
export interface DevtoolsEvent {
  layer: 'calls' | 'queries'
  time: number
  title: string
  subtitle?: string
  data: Record<string, unknown>
  logType?: 'default' | 'warning' | 'error'
}

/** The plugin's devtools state: the inspector reads it, the timeline hears `emit`. */
export interface DevtoolsRegistry {
  queries: Map<string, DevtoolsQuery>
  lists: Map<number, DevtoolsList>
  /** Called on every event and change; the devtools connection sets it. */
  listener?: (event: DevtoolsEvent | null) => void
}

export function createRegistry(): DevtoolsRegistry {
  return { queries: new Map(), lists: new Map() }
}

/** Tells the devtools connection of an event (`null`: the inspector's data changed). */
export const emit = (registry: DevtoolsRegistry, event: DevtoolsEvent | null) => registry.listener?.(event)

/**
 * Whether `client` shows a mutation's optimistic update not confirmed by the server yet (its
 * sync client's pending optimistic updates, convex 1.48; `false` where it cannot tell).
 */
function optimistic(client: unknown): boolean {
  try {
    return ((client as { client?: { optimisticQueryResults?: { optimisticUpdates?: unknown[] } } })?.client?.optimisticQueryResults?.optimisticUpdates?.length ?? 0) > 0
  }
  catch {
    return false
  }
}

/** Records a value a reader was shown before the live one (`ssr`, `cache`, `persisted`). */
export function noteKnown(registry: DevtoolsRegistry, key: string, value: unknown, source: Source, at = Date.now()): void {
  const query = registry.queries.get(key)
  if (query && query.source === undefined) {
    Object.assign(query, { value, source, updatedAt: at })
    emit(registry, null)
  }
}

/** Records a consumer of a live query; returns the callbacks that record its updates and its end. */
export function trackQuery(registry: DevtoolsRegistry, key: string, name: string, args: unknown, client?: unknown) {
  let query = registry.queries.get(key)
  if (!query)
    registry.queries.set(key, query = { name, args, consumers: 0, updates: 0 })
  query.consumers++
  emit(registry, null)
  const entry = query
  return {
    value(value: unknown) {
      Object.assign(entry, { value, error: undefined, updatedAt: Date.now(), updates: entry.updates + 1, source: optimistic(client) ? 'optimistic' : 'live' })
      emit(registry, { layer: 'queries', time: Date.now(), title: name, subtitle: 'update', data: { args, value } })
    },
    error(error: Error) {
      Object.assign(entry, { error, updatedAt: Date.now(), updates: entry.updates + 1 })
      emit(registry, { layer: 'queries', time: Date.now(), title: name, subtitle: 'error', data: { args, error: error.message }, logType: 'error' })
    },
    end() {
      if (--entry.consumers <= 0 && registry.queries.get(key) === entry)
        registry.queries.delete(key)
      emit(registry, null)
    },
  }
}

/** Records one action, mutation or upload call; `done` adds its outcome and duration to the timeline. */
export function trackCall(registry: DevtoolsRegistry, caller: string, name: string, args: unknown, optimistic: boolean) {
  const started = Date.now()
  return (outcome: 'success' | 'error', result: unknown) => {
    const data: Record<string, unknown> = { function: name, args, duration: `${Date.now() - started} ms`, outcome }
    if (outcome === 'success')
      data.result = result
    else
      data.error = (result as Error)?.message
    if (optimistic)
      data.optimisticUpdate = outcome === 'success' ? 'applied, then replaced by the server\'s result' : 'applied, then rolled back'
    emit(registry, { layer: 'calls', time: started, title: name, subtitle: `${caller} · ${outcome}`, data, logType: outcome === 'error' ? 'error' : 'default' })
  }
}
