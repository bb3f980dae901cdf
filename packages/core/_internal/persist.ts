// The persisted cache: query results kept in storage across reloads, by deployment, signed-in
// identity ("scope") and app version ("buster"). Only `createConvexPersister` imports this
// module, so an app without `persist` ships none of it.
//
// How it stays correct:
// - Nothing is read while the identity is unknown (a provider still loading), and what is in
//   memory belongs to one identity: any auth change hides it until the identity is known again.
// - A change of identity (sign-out included) purges the previous identity's results from
//   memory, storage and other tabs (BroadcastChannel, and a tombstone record a tab checks
//   before writing). Every purge bumps a generation counter; a throttled write carries the
//   generation it was queued in and is dropped when it changed, and all storage operations of a
//   tab run one after another, so no write queued before a purge lands after it.
// - A result is written only while the client's results are confirmed as the identity's (the
//   server accepted its token, or signed out for 'anonymous'), so a result computed before the
//   sign-in never overwrites the user's.
// - Values go through convexToJson / jsonToConvex (bigint, ArrayBuffer, ids survive); a record
//   of another buster or older than maxAge is deleted when found, never shown.
import type { MaybeRefOrGetter } from 'vue'
import type { ConvexClientLike, ConvexContext, ConvexPersister, PersistLink } from './types'
import { convexToJson, jsonToConvex } from 'convex/values'
import { effectScope, toValue, watch } from 'vue'
import { clearCache } from './cache'
import { deploymentUrl } from './once'

/**
 * Where persisted results are kept: a small async key-value store (IndexedDB by default,
 * `indexedDbStorage()`). Values are plain JSON-compatible records.
 */
export interface PersistStorage {
  get: (key: string) => Promise<unknown>
  set: (key: string, value: unknown) => Promise<void>
  delete: (key: string) => Promise<void>
  keys: () => Promise<string[]>
}

/** Options of `createConvexPersister`. */
export interface PersisterOptions {
  /**
   * Where to keep results.
   * @default indexedDbStorage() (the `vueuse-convex` IndexedDB database)
   */
  storage?: PersistStorage
  /**
   * Whose results these are: a string per user, or `null` while unknown (nothing is restored
   * or written then). Changing it purges the previous scope's results.
   * @default the signed-in identity's tokenIdentifier (`iss|sub` of the plugin's auth token), or 'anonymous' when signed out
   */
  scope?: MaybeRefOrGetter<string | null>
  /**
   * The app's version: results persisted under another buster are deleted, never shown. Pass a
   * hash of `convex/_generated/api.d.ts` (see the Persisted cache guide) so a deploy with new
   * functions or result shapes starts afresh.
   * @default ''
   */
  buster?: string
  /**
   * Results older than this (ms) are deleted, never shown.
   * @default 86_400_000 (24 hours)
   */
  maxAge?: number
  /**
   * At most this many characters of results are kept per identity; the oldest go first.
   * @default 2_000_000
   */
  maxBytes?: number
  /**
   * Live updates are written at most this often (ms), and when the page is hidden or left.
   * @default 1000
   */
  throttleMs?: number
  /**
   * How long (ms) `plugin.ready` waits for the identity (an auth provider still loading)
   * before it settles with nothing restored.
   * @default 3000
   */
  restoreTimeoutMs?: number
}

/** A persisted record: the buster it was written under, when, and the value as Convex JSON text. */
interface StoredRecord { b: string, t: number, v: string }

interface Entry { value: unknown, at: number, size: number }

const ANONYMOUS = 'anonymous'
const PREFIX = 'vueuse-convex|'
const TOMBSTONE = '#purged'
const CHANNEL = 'vueuse-convex:persist'

/** The tokenIdentifier Convex gives an identity (`iss|sub` of its JWT), `null` if it is not a JWT. */
export function tokenIdentifier(token: string): string | null {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')
    const bytes = Uint8Array.from(atob(part), c => c.charCodeAt(0))
    const { iss, sub } = JSON.parse(new TextDecoder().decode(bytes))
    return typeof iss === 'string' && typeof sub === 'string' ? `${iss}|${sub}` : null
  }
  catch {
    return null
  }
}

function isRecord(value: unknown): value is StoredRecord {
  const r = value as StoredRecord
  return !!r && typeof r === 'object' && typeof r.b === 'string' && typeof r.t === 'number' && typeof r.v === 'string'
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string })?.name
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED'
}

/** Makes a persister; the plugin attaches it to its client. */
export function createPersister(options: PersisterOptions, defaultStorage: () => PersistStorage): ConvexPersister {
  const { buster = '', maxAge = 86_400_000, maxBytes = 2_000_000, throttleMs = 1000, restoreTimeoutMs = 3000 } = options
  return {
    attach(client, context, url) {
      return attach(client, context, url ?? deploymentUrl(client) ?? '', options.storage ?? defaultStorage(), { buster, maxAge, maxBytes, throttleMs, restoreTimeoutMs, scope: options.scope })
    },
  }
}

function attach(
  client: ConvexClientLike,
  context: ConvexContext,
  url: string,
  storage: PersistStorage,
  settings: { buster: string, maxAge: number, maxBytes: number, throttleMs: number, restoreTimeoutMs: number, scope?: MaybeRefOrGetter<string | null> },
): Promise<void> {
  const { buster, maxAge, maxBytes, throttleMs } = settings
  const base = `${PREFIX}${encodeURIComponent(url)}|`
  const namespace = (scope: string) => `${base}${encodeURIComponent(scope)}|`
  const auth = context.auth

  /** The identity the results in memory belong to; `null` while it is being found out. */
  let scope: string | null = null
  /** The last identity known, whose results are purged when another one signs in. */
  let lastKnown: string | null = null
  /** Bumped by every change of identity: writes queued before it are dropped. */
  let generation = 0
  let entries = new Map<string, Entry>()
  const dirty = new Map<string, unknown>()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Subscriptions of readers, for the values the client holds when the identity is confirmed. */
  const readers = new Set<{ key: string, subscription?: any }>()
  /** Identities another tab purged while this tab still had them: never written again here. */
  const purged = new Set<string>()
  /** The token fetcher the identity was last read from, and what it gave. */
  let seen: { fetcher: unknown, identity: string | null } | undefined
  let wasConfirmed = false
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined
  let queue: Promise<unknown> = Promise.resolve()
  /** Runs storage operations one after another, in the order they were asked for. */
  const run = <T>(op: () => Promise<T>): Promise<T | undefined> => {
    const next = queue.then(op).catch(() => undefined)
    queue = next
    return next
  }

  /** Whether the client's results are now the identity's own (a write may land). */
  function confirmed(): boolean {
    if (scope === null || purged.has(scope) || auth.isLoading)
      return false
    if (settings.scope !== undefined)
      return true
    return scope === ANONYMOUS ? !auth.fetchToken && !auth.isAuthenticated : auth.isAuthenticated
  }

  /** The identity as far as it is known right now: a string, `null` (unknown), or a promise of it. */
  function identity(): string | null | Promise<string | null> {
    if (settings.scope !== undefined)
      return toValue(settings.scope) ?? null
    const fetcher = auth.fetchToken
    if (!fetcher)
      return auth.isLoading ? null : ANONYMOUS
    if (!auth.isLoading && !auth.isAuthenticated)
      return ANONYMOUS // the server refused the token or ended the session
    // The same fetcher may sign in another user (setAuth with one function): while a sign-in
    // is being confirmed the token is read again.
    if (seen?.fetcher === fetcher && !auth.isLoading)
      return seen.identity
    return Promise.resolve()
      .then(() => fetcher({ forceRefreshToken: false }))
      .then(token => token ? tokenIdentifier(token) : ANONYMOUS, () => null)
      .then((found) => {
        if (auth.fetchToken === fetcher)
          seen = { fetcher, identity: found }
        return found
      })
  }

  let resolving = 0
  /** The restore of the current identity's results. */
  let restoring: Promise<void> = Promise.resolve()
  let restoredOnce: () => void
  const restored = new Promise<void>((resolve) => {
    restoredOnce = resolve
  })

  function follow() {
    const ticket = ++resolving
    const found = identity()
    if (typeof found === 'string' || found === null)
      return settle(found)
    // Unknown until the token is read: nothing of anybody is shown meanwhile.
    scope = null
    void found.then(next => ticket === resolving && settle(next))
  }

  function settle(next: string | null) {
    if (next !== null && next === lastKnown && scope === next) {
      snapshotIfConfirmed()
      return
    }
    scope = null
    if (next === null)
      return
    if (next !== lastKnown) {
      const previous = lastKnown
      purged.delete(next)
      generation++
      dirty.clear()
      entries = new Map()
      if (previous !== null && previous !== ANONYMOUS)
        purge(previous, true)
      lastKnown = next
      scope = next
      wasConfirmed = false
      restoring = restore(next, generation)
      void restoring.then(restoredOnce)
    }
    else {
      // The same identity again (its token read once more): what was restored stays.
      scope = next
      void restoring.then(restoredOnce)
    }
    snapshotIfConfirmed()
  }

  /** Once the identity is confirmed, what the client holds now is the identity's: persist it. */
  function snapshotIfConfirmed() {
    const now = confirmed()
    if (now && !wasConfirmed) {
      for (const reader of readers) {
        let value: unknown
        try {
          value = reader.subscription?.getCurrentValue?.()
        }
        catch {}
        if (value !== undefined)
          queueWrite(reader.key, value)
      }
    }
    wasConfirmed = now
  }

  /** Deletes `scope`'s results here, in storage and in other tabs. */
  function purge(purgedScope: string, tellOthers: boolean) {
    const prefix = namespace(purgedScope)
    void run(async () => {
      await storage.set(prefix + TOMBSTONE, { b: '', t: Date.now(), v: '' })
      for (const key of await storage.keys()) {
        if (key.startsWith(prefix) && !key.endsWith(TOMBSTONE))
          await storage.delete(key)
      }
    })
    if (tellOthers)
      channel?.postMessage({ purge: prefix })
  }

  async function restore(restoring: string, at: number): Promise<void> {
    const prefix = namespace(restoring)
    await run(async () => {
      const keys = (await storage.keys()).filter(key => key.startsWith(prefix))
      if (keys.includes(prefix + TOMBSTONE)) {
        // Signed in again after a purge: start afresh.
        await storage.delete(prefix + TOMBSTONE)
        return
      }
      const now = Date.now()
      for (const key of keys) {
        const record = await storage.get(key)
        if (at !== generation)
          return
        if (!isRecord(record) || record.b !== buster || now - record.t > maxAge) {
          await storage.delete(key)
          continue
        }
        try {
          entries.set(key.slice(prefix.length), { value: jsonToConvex(JSON.parse(record.v)), at: record.t, size: record.v.length })
        }
        catch {
          await storage.delete(key)
        }
      }
    })
  }

  function queueWrite(key: string, value: unknown) {
    dirty.set(key, value)
    if (!timer)
      timer = setTimeout(flush, throttleMs)
  }

  function flush() {
    clearTimeout(timer)
    timer = undefined
    if (!dirty.size || !confirmed())
      return dirty.clear()
    const at = generation
    const prefix = namespace(scope!)
    const batch = [...dirty]
    dirty.clear()
    const now = Date.now()
    const writes: Array<[string, StoredRecord]> = []
    for (const [key, value] of batch) {
      let text: string
      try {
        text = JSON.stringify(convexToJson(value as never))
      }
      catch {
        continue // not a Convex value (it never came from the server)
      }
      entries.set(key, { value, at: now, size: text.length })
      writes.push([key, { b: buster, t: now, v: text }])
    }
    const evicted = evict(maxBytes)
    void run(async () => {
      // Another tab purged this identity: this tab writes nothing of it any more.
      if (at !== generation || await storage.get(prefix + TOMBSTONE) !== undefined) {
        if (at === generation)
          forget(prefix)
        return
      }
      for (const key of evicted)
        await storage.delete(prefix + key)
      for (const [key, record] of writes) {
        if (at !== generation)
          return
        try {
          await storage.set(prefix + key, record)
        }
        catch (e) {
          if (!isQuotaError(e))
            continue
          // Full: the oldest quarter goes, then one more try.
          for (const old of evict(0, Math.ceil(entries.size / 4)))
            await storage.delete(prefix + old)
          await storage.set(prefix + key, record).catch(() => {})
        }
      }
    })
  }

  /** Drops the oldest entries from memory until they fit in `limit` (or `count` of them); returns their keys. */
  function evict(limit: number, count = Infinity): string[] {
    let total = 0
    for (const entry of entries.values()) total += entry.size
    const oldest = [...entries].sort((a, b) => a[1].at - b[1].at)
    const gone: string[] = []
    for (const [key, entry] of oldest) {
      if ((total <= limit && count === Infinity) || gone.length >= count)
        break
      entries.delete(key)
      total -= entry.size
      gone.push(key)
    }
    return gone
  }

  /** Another tab purged the identity at `prefix`: nothing of it is shown or written here. */
  function forget(prefix: string) {
    if (scope === null || namespace(scope) !== prefix)
      return
    purged.add(scope)
    generation++
    dirty.clear()
    entries = new Map()
    clearCache(client)
  }

  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      const prefix = (event.data as { purge?: unknown })?.purge
      if (typeof prefix === 'string')
        forget(prefix)
    }
  }
  const hidden = () => {
    if (document.visibilityState === 'hidden')
      flush()
  }
  addEventListener('pagehide', flush)
  document.addEventListener('visibilitychange', hidden)

  const scopeWatcher = effectScope(true)
  scopeWatcher.run(() => watch(
    () => [auth.fetchToken, auth.isLoading, auth.isAuthenticated, settings.scope === undefined ? undefined : toValue(settings.scope)],
    follow,
    { immediate: true, flush: 'sync' },
  ))

  const link: PersistLink = {
    read: key => (scope !== null && !purged.has(scope) ? entries.get(key) : undefined),
    live(key) {
      const reader: { key: string, subscription?: any } = { key }
      readers.add(reader)
      return {
        value(value) {
          if (confirmed())
            queueWrite(key, value)
        },
        attach(subscription) {
          reader.subscription = subscription
        },
        end() {
          readers.delete(reader)
        },
      }
    },
    list: () => [...entries].map(([key, entry]) => ({ key, at: entry.at })),
  }
  context.persist = link
  context.app?.onUnmount(() => {
    flush()
    scopeWatcher.stop()
    channel?.close()
    removeEventListener('pagehide', flush)
    document.removeEventListener('visibilitychange', hidden)
    if (context.persist === link)
      context.persist = undefined
  })

  // `ready`: the identity's results are in memory, or the identity stayed unknown too long.
  let waited: ReturnType<typeof setTimeout> | undefined
  return Promise.race([restored, new Promise<void>((resolve) => {
    waited = setTimeout(resolve, settings.restoreTimeoutMs)
  })]).finally(() => clearTimeout(waited))
}
