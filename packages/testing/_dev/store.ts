// The local backend's data on disk (`vueuse-convex dev`): an append-only log, written and fsynced
// per group of commits before any of them is acknowledged, folded in the background into a
// snapshot (written aside, fsynced, renamed). Recovery reads the snapshot and replays the log; a
// torn last record (a crash in the middle of a write that was never acknowledged) is dropped and
// reported. A file it cannot read is left as it is and reported, never overwritten. One process
// at a time: a lock file holds its pid.
//
// In the data folder (default `.vueuse-convex/`):
//   snapshot.jsonl   the data as of the start of log N (a header, one line per document or
//                    file, a trailer with the count and a CRC-32 of what precedes it)
//   log-N.wal        records of [u32 length][u32 CRC-32][JSON: the commits of one group],
//                    then zeros (space written ahead, so that an fsync need not grow the file)
//   dev.lock         the pid of the process that has the folder open
import type { JSONValue } from 'convex/values'
import type { AcknowledgedRequest, Commit } from '../_internal/commits'
import type { BackendData } from '../_internal/executor'
import { Buffer } from 'node:buffer'
import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { crc32 } from 'node:zlib'
import { requestKey } from '../_internal/commits'
import { bytesToBase64 } from '../_internal/wire'

/** The snapshot's file name in the data folder. */
export const SNAPSHOT_FILE = 'snapshot.jsonl'
/** The lock file's name in the data folder. */
export const LOCK_FILE = 'dev.lock'
/** The file the local backend kept its data in before the log (read once into the store). */
export const LEGACY_FILE = 'data.json'
const SNAPSHOT_FORMAT = 'vueuse-convex-snapshot/1'
const LOG = /^log-(\d+)\.wal$/
const logName = (n: number) => `log-${n}.wal`
const HEADER_BYTES = 8
/**
 * A log file is filled with zeros ahead of its writes, this much at a time: an fsync of a write
 * that does not grow the file has no file size to record, and costs about half.
 */
const PREALLOCATE_BYTES = 1024 * 1024
/** The log is folded into the snapshot once it outgrows both this and the last snapshot. */
const COMPACT_MIN_BYTES = 4 * 1024 * 1024
/**
 * While a write and flush of the log takes less than this on average, it is done inline (the
 * server waits that long); on a slower disk it goes through the thread pool (the server serves
 * meanwhile, and each acknowledgement pays two more trips between threads).
 */
const INLINE_FLUSH_MS = 2

/** A data file the store cannot read: left as it is; the message says which and what is wrong. */
export class UnreadableDataError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`The data in ${file} cannot be read: ${problem}.`)
    this.name = 'UnreadableDataError'
  }
}

/** The data folder is open in another process (or in this one). */
export class DataLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`${dir} is in use by another vueuse-convex dev (pid ${pid}): stop it first, or give this one its own data folder (--data <folder>).`)
    this.name = 'DataLockedError'
  }
}

/** One component's data, as the store keeps it. */
interface StoredComponent {
  documents: Map<string, JSONValue>
  files: Map<string, { type: string, base64: string }>
  nextDocId: number
  lastCreationTime: number
}

type State = Map<string, StoredComponent>

/** A commit as the log holds it (files read into base64). */
interface LoggedCommit {
  c: string
  d: Array<[string, JSONValue | null]>
  f: Array<[string, string, string]>
  n: number
  t: number
  /** The client's mutation it is the transaction of (`${session} ${requestId}`). */
  r?: string
  /** That mutation's response, when it was known as the commit was written. */
  a?: object
}

/** A client mutation's response, written after its commit (or carried into a new log). */
interface LoggedResponse {
  r: string
  a: object | null
}

type LogEntry = LoggedCommit | LoggedResponse

/** Clients' mutations kept for their replays across restarts, at most (the newest kept). */
const REQUESTS_KEPT = 10_000
/** Bytes of their responses kept, at most. */
const REQUEST_BYTES_KEPT = 16 * 1024 * 1024

/** The clients' mutations the log holds, by key, oldest first: each one's response (`null`: lost). */
class Requests {
  private readonly entries = new Map<string, { response: object | null, bytes: number }>()
  private bytes = 0

  set(key: string, response: object | null): void {
    const previous = this.entries.get(key)
    // A response written after its commit completes what the commit said.
    if (previous && response === null)
      return
    if (previous) {
      this.bytes -= previous.bytes
      this.entries.delete(key)
    }
    const bytes = response ? JSON.stringify(response).length : 0
    this.entries.set(key, { response, bytes })
    this.bytes += bytes
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= REQUESTS_KEPT && this.bytes <= REQUEST_BYTES_KEPT)
        break
      this.entries.delete(oldest)
      this.bytes -= entry.bytes
    }
  }

  has(key: string): boolean {
    return this.entries.has(key)
  }

  /** What a log entry says of a client's mutation. */
  note(entry: LogEntry): void {
    if (entry.r !== undefined)
      this.set(entry.r, entry.a ?? null)
  }

  /** As log entries, to carry into a new log. */
  entriesForLog(): LoggedResponse[] {
    return [...this.entries].map(([r, { response }]) => ({ r, a: response }))
  }

  list(): StoredRequest[] {
    return [...this.entries].map(([key, { response }]) => {
      const space = key.lastIndexOf(' ')
      return { session: key.slice(0, space), requestId: Number(key.slice(space + 1)), response }
    })
  }
}

/** A client's mutation the log holds: what answers its replay after a restart. */
export interface StoredRequest {
  session: string
  requestId: number
  /** Its response; `null` when the process stopped before the response was written. */
  response: object | null
}

/** What {@link openStore} found. */
export interface StoreReport {
  /** The data folder. */
  dir: string
  /** Documents of every component, after recovery. */
  documents: number
  /** Log records replayed on top of the snapshot. */
  replayed: number
  /** A torn last record that was dropped: the log file and the bytes dropped. */
  torn?: { file: string, bytes: number }
  /** The old `data.json` read into the store (and renamed `data.json.migrated`). */
  migrated?: string
  /** A stale lock of a process that is gone, taken over. */
  staleLock?: number
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Called when writing in the background fails (the next acknowledgement fails too). */
  onError?: (error: Error) => void
  /** Log size past which it is folded into the snapshot. @default 4 MiB, or the snapshot's size if larger */
  compactAfterBytes?: number
  /**
   * While a write and flush of the log takes less than this (ms, on average), it is done inline;
   * on a slower disk it goes through the thread pool, so that the server serves meanwhile.
   * @default 2
   */
  inlineFlushMs?: number
}

/** The data folder open for writing. */
export interface Store {
  /** The data folder (absolute): other state kept with the data (signing key, env) may live beside it. */
  readonly dir: string
  /** What opening it found. */
  readonly report: StoreReport
  /** The data, for `backend.importData()` (`undefined`: nothing stored yet). */
  data: () => BackendData | undefined
  /** Adds a commit to the next group written to the log. */
  commit: (commit: Commit) => void
  /**
   * The response to a client's mutation, written with its commit (or after it): what answers
   * the client's replay of it after a restart. Before {@link durable}.
   */
  respond: (request: AcknowledgedRequest) => void
  /** The clients' mutations the log holds (the newest 10,000 at most), for their replays after a restart. */
  requests: () => StoredRequest[]
  /** Resolves once every commit added so far is on disk (fsynced); rejects if writing failed. */
  durable: () => Promise<void>
  /** Folds the log into the snapshot now (else it happens in the background as the log grows). */
  compact: () => Promise<void>
  /** Writes what is pending, waits for a compaction in progress, releases the lock. */
  close: () => Promise<void>
}

/** Locks held by this process, by folder: a second store on the same folder is refused here too. */
const held = new Set<string>()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the folder's lock; returns the pid of a dead holder it took over, if any. */
export function lockDataDir(dir: string): number | undefined {
  const file = join(dir, LOCK_FILE)
  if (held.has(dir))
    throw new DataLockedError(dir, process.pid)
  let stale: number | undefined
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
      held.add(dir)
      return stale
    }
    catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2)
        throw e
    }
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
      throw new DataLockedError(dir, pid)
    stale = Number.isInteger(pid) ? pid : undefined
    rmSync(file, { force: true })
  }
}

/** Releases a lock {@link lockDataDir} took. */
export function unlockDataDir(dir: string): void {
  if (!held.delete(dir))
    return
  const file = join(dir, LOCK_FILE)
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid)
      rmSync(file)
  }
  catch {}
}

/**
 * The data folder and the old data file (if any) that `dataFile` names: a folder, or a path
 * ending in `.json` (the old single-file format), whose folder is used and which is read once.
 */
export function dataLocation(dataFile: string, cwd: string): { dir: string, legacy: string } {
  const path = resolve(cwd, dataFile)
  if (path.endsWith('.json'))
    return { dir: dirname(path), legacy: path }
  return { dir: path, legacy: join(path, LEGACY_FILE) }
}

function fsyncDir(dir: string) {
  // Makes a rename or a new file in `dir` durable (not possible on every platform).
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  }
  catch {}
  finally {
    if (fd !== undefined)
      closeSync(fd)
  }
}

function emptyComponent(): StoredComponent {
  return { documents: new Map(), files: new Map(), nextDocId: 10000, lastCreationTime: 0 }
}

function component(state: State, path: string): StoredComponent {
  let found = state.get(path)
  if (!found)
    state.set(path, found = emptyComponent())
  return found
}

function apply(state: State, entry: LogEntry) {
  if (!('d' in entry))
    return
  const commit = entry
  const target = component(state, commit.c)
  for (const [id, document] of commit.d) {
    if (document === null) {
      target.documents.delete(id)
      target.files.delete(id)
    }
    else {
      target.documents.set(id, document)
    }
  }
  for (const [id, type, base64] of commit.f) target.files.set(id, { type, base64 })
  target.nextDocId = commit.n
  target.lastCreationTime = commit.t
}

/** Why `text` is not JSON, in words a user can act on. */
function describeBadText(bytes: Buffer, error: unknown): string {
  if (bytes.length === 0)
    return 'the file is empty'
  if (bytes.every(byte => byte === 0))
    return `the file holds only NUL bytes (${bytes.length}): a write that never reached the disk`
  const message = (error as Error).message
  const position = Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN)
  const ours = bytes.subarray(0, 12).toString('utf8') === '{"format":"v'
  if (/Unexpected end|Unterminated|end of JSON/i.test(message) || position >= bytes.length - 1 || ours)
    return `it ends early or is cut (truncated at ${bytes.length} bytes?): ${message}`
  return `it is not the JSON the local backend writes (${message})`
}

/** Reads the old single-file format. */
function readLegacy(file: string): State {
  const bytes = readFileSync(file)
  let data: BackendData
  try {
    data = JSON.parse(bytes.toString('utf8'))
  }
  catch (e) {
    throw new UnreadableDataError(file, describeBadText(bytes, e))
  }
  if (data?.format !== 'vueuse-convex-data/1' || typeof data.components !== 'object' || data.components === null)
    throw new UnreadableDataError(file, 'it is JSON, but not data the local backend wrote (no "format": "vueuse-convex-data/1")')
  const state: State = new Map()
  for (const [path, stored] of Object.entries(data.components)) {
    const target = component(state, path)
    for (const document of stored.documents ?? []) target.documents.set(String((document as any)._id), document)
    for (const [id, file] of Object.entries(stored.files ?? {})) target.files.set(id, file)
    target.nextDocId = stored.nextDocId
    target.lastCreationTime = stored.lastCreationTime
  }
  return state
}

/** Reads a snapshot: its state and the log it continues from. */
function readSnapshot(file: string): { state: State, generation: number, bytes: number } {
  const bytes = readFileSync(file)
  const unreadable = (problem: string) => new UnreadableDataError(file, problem)
  if (bytes.length === 0 || bytes.every(byte => byte === 0))
    throw unreadable(describeBadText(bytes, new Error('empty')))
  const end = bytes.lastIndexOf(10, bytes.length - 2)
  const trailerText = bytes.subarray(end + 1).toString('utf8')
  let trailer: { end?: number, crc?: number }
  try {
    trailer = JSON.parse(trailerText)
  }
  catch {
    throw unreadable(`it ends early or is damaged (no end line after ${bytes.length} bytes)`)
  }
  if (typeof trailer.end !== 'number' || trailer.crc !== crc32(bytes.subarray(0, end + 1)))
    throw unreadable('its checksum does not match: the file was changed or damaged after it was written')
  const lines = bytes.subarray(0, end).toString('utf8').split('\n')
  const header = JSON.parse(lines[0]) as { format?: string, generation?: number }
  if (header.format !== SNAPSHOT_FORMAT || typeof header.generation !== 'number')
    throw unreadable(`it is not a snapshot this version writes (format ${JSON.stringify(header.format)})`)
  if (lines.length - 1 !== trailer.end)
    throw unreadable(`it has ${lines.length - 1} entries where its end line says ${trailer.end}`)
  const state: State = new Map()
  for (let i = 1; i < lines.length; i++) {
    const line = JSON.parse(lines[i])
    const target = component(state, line.c)
    if ('d' in line) {
      target.documents.set(String(line.d._id), line.d)
    }
    else if ('f' in line) {
      target.files.set(line.f, { type: line.type, base64: line.base64 })
    }
    else {
      target.nextDocId = line.n
      target.lastCreationTime = line.t
    }
  }
  return { state, generation: header.generation, bytes: bytes.length }
}

const isZero = (bytes: Buffer) => bytes.every(byte => byte === 0)

/**
 * Replays one log file onto `state`, up to its records' end (zeros follow: space written ahead).
 * A damaged record with only zeros after it is a torn write (`last` file only): the bytes it
 * holds are returned; anywhere else it is an error.
 */
function replayLog(file: string, state: State, requests: Requests, last: boolean): { records: number, valid: number, torn: number } {
  const bytes = readFileSync(file)
  let offset = 0
  let records = 0
  while (offset < bytes.length) {
    const rest = bytes.length - offset
    const length = rest >= HEADER_BYTES ? bytes.readUInt32LE(offset) : -1
    const fits = length >= 0 && rest >= HEADER_BYTES + length
    const sound = fits && length > 0 && bytes.readUInt32LE(offset + 4) === crc32(bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length))
    if (!sound) {
      if (isZero(bytes.subarray(offset)))
        return { records, valid: offset, torn: 0 }
      // A torn write leaves a record cut short, or damaged with nothing but zeros after it.
      if (last && (!fits || isZero(bytes.subarray(offset + HEADER_BYTES + length)))) {
        let end = bytes.length
        while (bytes[end - 1] === 0) end--
        return { records, valid: offset, torn: end - offset }
      }
      throw new UnreadableDataError(file, `the record at byte ${offset} is damaged and more data follows it (not a write cut short by a crash)`)
    }
    const entries = JSON.parse(bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length).toString('utf8')) as LogEntry[]
    for (const entry of entries) {
      apply(state, entry)
      requests.note(entry)
    }
    offset += HEADER_BYTES + length
    records++
  }
  return { records, valid: offset, torn: 0 }
}

function frame(commits: LogEntry[]): Buffer {
  const payload = Buffer.from(JSON.stringify(commits), 'utf8')
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32LE(payload.length, 0)
  header.writeUInt32LE(crc32(payload), 4)
  return Buffer.concat([header, payload])
}

/** A copy of the state that later commits do not change (documents themselves are never mutated). */
function copyState(state: State): State {
  return new Map([...state].map(([path, c]) => [path, { ...c, documents: new Map(c.documents), files: new Map(c.files) }]))
}

/** Writes `state` as the snapshot continuing from log `generation`: aside, fsynced, renamed. */
async function writeSnapshot(dir: string, state: State, generation: number): Promise<number> {
  const temporary = join(dir, `${SNAPSHOT_FILE}.tmp`)
  const handle = await open(temporary, 'w')
  let crc = 0
  let size = 0
  let entries = 0
  let chunk: string[] = []
  let chunkLength = 0
  const flush = async () => {
    const buffer = Buffer.from(chunk.join(''), 'utf8')
    chunk = []
    chunkLength = 0
    crc = crc32(buffer, crc)
    size += buffer.length
    await handle.write(buffer)
  }
  const line = async (value: unknown, entry = true) => {
    const text = `${JSON.stringify(value)}\n`
    chunk.push(text)
    chunkLength += text.length
    if (entry)
      entries++
    if (chunkLength > 1 << 20)
      await flush()
  }
  try {
    await line({ format: SNAPSHOT_FORMAT, generation }, false)
    for (const [path, c] of state) {
      await line({ c: path, n: c.nextDocId, t: c.lastCreationTime })
      for (const document of c.documents.values()) await line({ c: path, d: document })
      for (const [id, file] of c.files) await line({ c: path, f: id, type: file.type, base64: file.base64 })
    }
    await flush()
    const trailer = Buffer.from(`${JSON.stringify({ end: entries, crc })}\n`)
    await handle.write(trailer)
    size += trailer.length
    await handle.sync()
  }
  finally {
    await handle.close()
  }
  renameSync(temporary, join(dir, SNAPSHOT_FILE))
  fsyncDir(dir)
  return size
}

function toBackendData(state: State): BackendData {
  const components: BackendData['components'] = {}
  for (const [path, c] of state) {
    components[path] = {
      documents: [...c.documents.values()],
      files: Object.fromEntries(c.files),
      nextDocId: c.nextDocId,
      lastCreationTime: c.lastCreationTime,
    }
  }
  return { format: 'vueuse-convex-data/1', components }
}

/** The log files in `dir`, oldest first. */
function logsIn(dir: string): number[] {
  return readdirSync(dir).map(name => LOG.exec(name)?.[1]).filter(n => n !== undefined).map(Number).sort((a, b) => a - b)
}

/** Reads what the data folder holds (snapshot, log, or the old `data.json`), without writing. */
function recover(dir: string, legacy: string) {
  const snapshotFile = join(dir, SNAPSHOT_FILE)
  const logs = logsIn(dir)
  let state: State = new Map()
  let generation = 0
  let snapshotBytes = 0
  let migrated: string | undefined
  if (existsSync(snapshotFile)) {
    ({ state, generation, bytes: snapshotBytes } = readSnapshot(snapshotFile))
  }
  else if (!logs.length && existsSync(legacy)) {
    state = readLegacy(legacy)
    migrated = legacy
  }
  let replayed = 0
  let logBytes = 0
  let torn: (StoreReport['torn'] & { valid: number }) | undefined
  const requests = new Requests()
  const live = logs.filter(n => n >= generation)
  for (const n of live) {
    const file = join(dir, logName(n))
    const result = replayLog(file, state, requests, n === live.at(-1))
    replayed += result.records
    logBytes += result.valid
    if (result.torn)
      torn = { file, bytes: result.torn, valid: result.valid }
  }
  return { state, generation, snapshotBytes, migrated, replayed, torn, logs, live, logBytes, requests }
}

/**
 * Checks that the data in `dir` can be read, without changing anything: throws
 * {@link UnreadableDataError} naming the file and the problem.
 */
export function readStoredData(dataFile: string, cwd: string): BackendData | undefined {
  const { dir, legacy } = dataLocation(dataFile, cwd)
  if (!existsSync(dir))
    return undefined
  const { state } = recover(dir, legacy)
  return state.size ? toBackendData(state) : undefined
}

/**
 * Moves the store's files in the data folder (snapshot, logs, old `data.json`) aside, into
 * `reset-<time>/` in the same folder, so that the next start is empty. Refused while another
 * process has the folder open. Returns the folder they were moved to (`undefined`: nothing to move).
 */
export function resetData(dataFile: string, cwd: string): string | undefined {
  const { dir, legacy } = dataLocation(dataFile, cwd)
  if (!existsSync(dir))
    return undefined
  lockDataDir(dir)
  try {
    const names = [SNAPSHOT_FILE, `${SNAPSHOT_FILE}.tmp`, ...logsIn(dir).map(logName)].map(name => join(dir, name))
    const files = [...names, legacy].filter(file => existsSync(file))
    if (!files.length)
      return undefined
    const aside = join(dir, `reset-${new Date().toISOString().replace(/[:.]/g, '-')}`)
    mkdirSync(aside, { recursive: true })
    for (const file of files) renameSync(file, join(aside, basename(file)))
    fsyncDir(dir)
    return aside
  }
  finally {
    unlockDataDir(dir)
  }
}

/**
 * Replaces the data in the folder with `data` (a snapshot, the log emptied), as an import does.
 * Refused while another process has the folder open.
 */
export async function replaceData(dataFile: string, cwd: string, data: BackendData): Promise<void> {
  const { dir, legacy } = dataLocation(dataFile, cwd)
  mkdirSync(dir, { recursive: true })
  lockDataDir(dir)
  try {
    const logs = logsIn(dir)
    const generation = (logs.at(-1) ?? 0) + 1
    const state: State = new Map()
    for (const [path, stored] of Object.entries(data.components)) {
      const target = component(state, path)
      for (const document of stored.documents) target.documents.set(String((document as any)._id), document)
      for (const [id, file] of Object.entries(stored.files)) target.files.set(id, file)
      target.nextDocId = stored.nextDocId
      target.lastCreationTime = stored.lastCreationTime
    }
    await writeSnapshot(dir, state, generation)
    for (const n of logs) rmSync(join(dir, logName(n)), { force: true })
    if (existsSync(legacy))
      renameSync(legacy, `${legacy}.migrated`)
  }
  finally {
    unlockDataDir(dir)
  }
}

/**
 * Opens the data folder for a running backend: takes its lock, reads the snapshot and replays the
 * log (dropping a torn last record), reads an old `data.json` once into the store, and starts a
 * new log. Throws {@link UnreadableDataError} (nothing changed, lock released) when a file cannot
 * be read, and {@link DataLockedError} when another process has the folder open.
 */
export async function openStore(dataFile: string, cwd: string, options: OpenStoreOptions = {}): Promise<Store> {
  const { dir, legacy } = dataLocation(dataFile, cwd)
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(`The data folder ${dir} is a file: pass a folder (or a path ending in .json for the old data file) to --data.`)
  mkdirSync(dir, { recursive: true })
  const staleLock = lockDataDir(dir)
  let recovered: ReturnType<typeof recover>
  try {
    rmSync(join(dir, `${SNAPSHOT_FILE}.tmp`), { force: true })
    recovered = recover(dir, legacy)
  }
  catch (e) {
    unlockDataDir(dir)
    throw e
  }
  const { state, migrated, replayed, torn, logs, live } = recovered
  let { generation, snapshotBytes } = recovered
  // Only the torn bytes go: they belong to a write that was never acknowledged.
  if (torn)
    truncateSync(torn.file, torn.valid)
  if (migrated) {
    snapshotBytes = await writeSnapshot(dir, state, generation = (logs.at(-1) ?? 0) + 1)
    renameSync(migrated, `${migrated}.migrated`)
  }
  let segment = Math.max(generation, (logs.at(-1) ?? 0) + (live.length ? 1 : 0), 1)
  // A new file each time (`wx`: never one that holds records).
  let handle = await open(join(dir, logName(segment)), 'wx')
  fsyncDir(dir)
  let segmentBytes = 0
  let allocated = 0
  /** Bytes of log since the snapshot, the replayed ones included: past a threshold, folded into a new snapshot. */
  let logBytes = recovered.logBytes
  let documents = 0
  for (const c of state.values()) documents += c.documents.size

  /** Commits (with the response of a client's mutation, once known) and responses to write next. */
  let pending: Array<{ commit: Commit, response?: object } | LoggedResponse> = []
  /** The pending commits of clients' mutations, by key, until written: a response joins its commit. */
  const awaiting = new Map<string, { commit: Commit, response?: object }>()
  const requests = recovered.requests
  /** Keys of clients' mutations whose commits are being written (a response now follows them). */
  const writing = new Set<string>()
  let waiters: Array<{ resolve: () => void, reject: (e: Error) => void }> = []
  let inflight: Promise<void> | undefined
  let compaction: Promise<void> | undefined
  let failed: Error | undefined
  let closed = false
  const compactAfter = () => options.compactAfterBytes ?? Math.max(COMPACT_MIN_BYTES, snapshotBytes)

  /** Starts a new log and writes the state as of its start as the snapshot, in the background. */
  async function rotate() {
    const next = segment + 1
    const nextHandle = await open(join(dir, logName(next)), 'wx')
    fsyncDir(dir)
    await handle.close()
    handle = nextHandle
    segment = next
    segmentBytes = 0
    allocated = 0
    logBytes = 0
    // The clients' mutations the old logs told of, into the new one before those go: a replay
    // after a restart must still find them.
    const carried = requests.entriesForLog()
    if (carried.length) {
      await writeRecord(carried)
      // Not growth of the log: counted, a large carry would fold the log again at every write.
      logBytes = 0
    }
    const copy = copyState(state)
    compaction = (async () => {
      snapshotBytes = await writeSnapshot(dir, copy, next)
      for (const n of logsIn(dir)) {
        if (n < next)
          rmSync(join(dir, logName(n)), { force: true })
      }
    })().catch((e) => {
      options.onError?.(new Error(`Could not fold the log into ${join(dir, SNAPSHOT_FILE)}: ${(e as Error).message} (the log keeps the data).`))
    }).finally(() => {
      compaction = undefined
    })
  }

  /** Writes to the log (and switches logs) one at a time: a compaction asked for meanwhile waits. */
  let lane: Promise<unknown> = Promise.resolve()
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lane.then(fn)
    lane = run.catch(() => {})
    return run
  }

  /** How long a write and flush of a record takes here, on average (recent ones weigh most). */
  let flushMs = 0
  /** Appends one record to the log and fsyncs it. */
  async function writeRecord(entries: LogEntry[]) {
    const record = frame(entries)
    if (segmentBytes + record.length > allocated) {
      const grow = Math.max(PREALLOCATE_BYTES, record.length)
      await handle.write(Buffer.alloc(grow), 0, grow, allocated)
      allocated += grow
    }
    const started = performance.now()
    if (flushMs < (options.inlineFlushMs ?? INLINE_FLUSH_MS)) {
      // A fast disk: written and flushed at once, without two trips through the thread pool.
      for (let done = 0; done < record.length;)
        done += writeSync(handle.fd, record, done, record.length - done, segmentBytes + done)
      fdatasyncSync(handle.fd)
    }
    else {
      // A slow one (a network or virtualised file system): the server keeps serving meanwhile.
      await handle.write(record, 0, record.length, segmentBytes)
      await handle.datasync()
    }
    flushMs = flushMs * 0.8 + (performance.now() - started) * 0.2
    segmentBytes += record.length
    logBytes += record.length
  }

  /** Writes the pending commits as one record, fsyncs, acknowledges; again while more arrived. */
  async function pump() {
    while (pending.length && !failed) {
      const group = pending
      const acknowledged = waiters
      pending = []
      waiters = []
      try {
        const logged: LogEntry[] = []
        for (const entry of group) {
          if (!('commit' in entry)) {
            logged.push(entry)
            continue
          }
          const { commit, response } = entry
          if (commit.request) {
            awaiting.delete(commit.request)
            writing.add(commit.request)
          }
          const files: LoggedCommit['f'] = []
          for (const [id, file] of commit.files) files.push([id, file.type, bytesToBase64(new Uint8Array(await file.arrayBuffer()))])
          logged.push({ c: commit.component, d: commit.documents, f: files, n: commit.nextDocId, t: commit.lastCreationTime, ...commit.request ? { r: commit.request, a: response } : {} })
        }
        await exclusive(() => writeRecord(logged))
        for (const entry of logged) {
          apply(state, entry)
          requests.note(entry)
        }
        writing.clear()
        acknowledged.forEach(waiter => waiter.resolve())
        if (!compaction && !closed && logBytes > compactAfter())
          await exclusive(rotate)
      }
      catch (e) {
        failed = new Error(`Could not write the data to ${join(dir, logName(segment))}: ${(e as Error).message}. Writes since are not saved: fix the cause (disk full?) and restart.`)
        options.onError?.(failed)
        acknowledged.forEach(waiter => waiter.reject(failed!))
      }
    }
    waiters.splice(0).forEach(waiter => failed ? waiter.reject(failed) : waiter.resolve())
  }

  /** A write of what is pending is due in the next macrotask ({@link kick}). */
  let scheduled = false

  /** Writes what is pending now (a pump running takes it in its next turn). */
  function run(): Promise<void> {
    inflight ??= pump().finally(() => {
      inflight = undefined
      if (pending.length && !failed && waiters.length)
        void run()
      else if (pending.length && !failed)
        kick()
    })
    return inflight
  }

  /**
   * Writes what is pending from the next macrotask, unless someone waits for it first
   * ({@link Store.durable}). The components of one transaction commit together, synchronously, so
   * a group never holds part of one (all of it is on disk, or none). A client's mutation waits
   * for its commit with its response joined (the record holds both: a replay after a crash
   * finds what to answer); commits nobody waits for (scheduled functions) are written from the
   * next macrotask, gathered.
   */
  function kick() {
    if (scheduled || inflight)
      return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      if (pending.length && !failed)
        void run()
    })
  }

  const store: Store = {
    dir,
    report: { dir, documents, replayed, torn: torn && { file: torn.file, bytes: torn.bytes }, migrated, staleLock },
    data: () => (state.size ? toBackendData(state) : undefined),
    commit(commit) {
      if (closed)
        return
      const entry = { commit }
      pending.push(entry)
      if (commit.request)
        awaiting.set(commit.request, entry)
      kick()
    },
    respond(request) {
      if (closed)
        return
      const key = requestKey(request)
      const waiting = awaiting.get(key)
      if (waiting) {
        waiting.response = request.response
        return
      }
      // Its commit is written, or being written; a mutation that wrote nothing has nothing to keep.
      if (writing.has(key) || requests.has(key)) {
        pending.push({ r: key, a: request.response })
        kick()
      }
    },
    requests: () => requests.list(),
    durable() {
      if (failed)
        return Promise.reject(failed)
      // Nothing pending: this caller's commits are in the group being written, if any.
      if (!pending.length) {
        return inflight
          ? inflight.then(() => {
              if (failed)
                throw failed
            })
          : Promise.resolve()
      }
      const written = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
      // Written now, not a macrotask later: the caller's transaction has committed whole.
      void run()
      return written
    },
    async compact() {
      await store.durable().catch(() => {})
      await compaction
      await inflight
      if (!failed) {
        await exclusive(rotate)
        await compaction
      }
    },
    async close() {
      if (closed)
        return
      await store.durable().catch(() => {})
      closed = true
      await compaction
      // The space written ahead is not needed any more.
      await handle.truncate(segmentBytes).catch(() => {})
      await handle.close()
      unlockDataDir(dir)
    },
  }
  return store
}
