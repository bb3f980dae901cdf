// What each committed transaction changed, as it commits: the documents it wrote (new values, or
// `null` for a delete) and the files it stored, per component. The local backend's store
// (`vueuse-convex dev`) writes these to its log, so that the cost of a write follows the change,
// not the size of the database.
import type { JSONValue, Value } from 'convex/values'
import { AsyncLocalStorage } from 'node:async_hooks'
import { convexToJson } from 'convex/values'

/**
 * The client's mutation being run, by its session and request id (`${sessionId} ${requestId}`):
 * its transaction's commit carries the key, so that the log knows, after a restart, that the
 * mutation ran (a replay of it must not run again). The first commit claims it: functions it
 * scheduled run later in the same async context and are not the client's mutation.
 */
export const clientMutation = new AsyncLocalStorage<{ key: string, claimed: boolean }>()

/** A client's mutation over the sync protocol: its session, its request id, and its response. */
export interface AcknowledgedRequest {
  session: string
  requestId: number
  /** The `MutationResponse` the client is sent. */
  response: object
}

/**
 * The response to a replay of a mutation that ran, whose response was not kept (the process
 * stopped between writing its commit and its response): it must not run again, and its result
 * is unknown, so the client is told so.
 */
export function lostResponse(requestId: number): object {
  return {
    type: 'MutationResponse',
    requestId,
    success: false,
    result: 'The local backend stopped while it acknowledged this mutation: the mutation ran once and its writes are kept, but its result was lost. It was not run again.',
    logLines: [],
  }
}

/** The key of a client's request in the log: `${session} ${requestId}`. */
export function requestKey(request: { session: string, requestId: number }): string {
  return `${request.session} ${request.requestId}`
}

/** One component's part of a committed transaction. */
export interface Commit {
  /** The component's path (`''`: the app itself). */
  component: string
  /** Each written document by id: its committed value (as `convexToJson` writes it), `null` when deleted. */
  documents: Array<[id: string, document: JSONValue | null]>
  /** Files stored by the transaction, by storage id. */
  files: Array<[id: string, file: Blob]>
  /** The component's id counter and last creation time after the commit. */
  nextDocId: number
  lastCreationTime: number
  /** The client's mutation this is the transaction of (`${sessionId} ${requestId}`), if it is one. */
  request?: string
}

/** What convex-test keeps per component (its `DatabaseFake`), as far as commits go. */
interface CommittingDatabase {
  _documents: Record<string, Record<string, unknown>>
  _storage: Record<string, Blob>
  _nextDocId: number
  _lastCreationTime: number
  _writes: Array<Record<string, unknown>>
  _pendingFiles: Array<Map<string, Blob>>
  commit: (commitTs?: bigint | null) => void
}

/**
 * Calls `listener` after every top-level commit of each database (nested commits merge into
 * their parent and are reported with it) that changed something.
 */
export function tapCommits(databases: Record<string, unknown>, listener: (commit: Commit) => void): void {
  for (const [component, database] of Object.entries(databases)) {
    const db = database as CommittingDatabase
    const commit = db.commit
    db.commit = function (this: CommittingDatabase, commitTs) {
      const outermost = this._writes.length === 1
      const ids = outermost ? Object.keys(this._writes[0]) : []
      const stored = outermost ? [...(this._pendingFiles[0]?.keys() ?? [])] : []
      commit.call(this, commitTs)
      if (!ids.length && !stored.length)
        return
      const files: Commit['files'] = []
      for (const id of stored) {
        const file = this._storage[id]
        if (file)
          files.push([id, file])
      }
      const running = clientMutation.getStore()
      let request: string | undefined
      if (running && !running.claimed) {
        running.claimed = true
        request = running.key
      }
      listener({
        request,
        component,
        documents: ids.map(id => [id, id in this._documents ? convexToJson(this._documents[id] as Value) : null]),
        files,
        nextDocId: this._nextDocId,
        lastCreationTime: this._lastCreationTime,
      })
    }
  }
}
