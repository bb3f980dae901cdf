import type { PersisterOptions } from '../_internal/persist'
import type { ConvexPersister } from '../_internal/types'
import { createPersister } from '../_internal/persist'
import { indexedDbStorage } from '../_internal/persistStorage'

export type { PersistStorage } from '../_internal/persist'
export type { ConvexPersister } from '../_internal/types'
export { indexedDbStorage }

/** Options of {@link createConvexPersister}. */
export interface CreateConvexPersisterOptions extends PersisterOptions {}

/**
 * Persists query results across reloads, for the plugin's `persist` option: a reload renders
 * each query's last value in its first frame (`source: 'persisted'`, `isStale`), then the live
 * one. Results are kept per deployment, signed-in identity and `buster` (your app's version),
 * purged on sign-out or a change of user (in every tab), and written as live updates arrive
 * (throttled). A separate export: an app that does not use it ships none of it.
 *
 * @example
 * const convex = createConvexVue({ url, auth, persist: createConvexPersister({ buster: __CONVEX_API_HASH__ }) })
 * app.use(convex)
 * await convex.ready // the persisted results are in memory: the first frame renders them
 * app.mount('#app')
 */
export function createConvexPersister(options: CreateConvexPersisterOptions = {}): ConvexPersister {
  return createPersister(options, indexedDbStorage)
}
