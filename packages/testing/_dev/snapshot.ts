// Convex's snapshot export format (what `npx convex export` writes and `npx convex import` reads),
// from and to the local backend's data: a ZIP with a folder per table holding `documents.jsonl`,
// `_tables/documents.jsonl` naming the tables, `_storage/documents.jsonl` and `_storage/<id>` for
// stored files, and each component's tables under `_components/<name>/`.
//
// Ids differ: a deployment's are base32 (table number, 16 bytes, a checksum), the local backend's
// are `<counter><table>`. Each is translated on the way, and so is every string in a document
// that equals a translated id (the references between documents).
import type { JSONValue } from 'convex/values'
import type { BackendData } from '../_internal/executor'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'

/** Convex's base32 alphabet for ids. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
/** Table numbers of an app's own tables start here on a deployment. */
const FIRST_TABLE_NUMBER = 10001
/** System tables an export carries (the others are the deployment's own). */
const EXPORTED_SYSTEM_TABLES = new Set(['_storage'])

function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0)
    out += ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}

function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = []
  let buffer = 0
  let bits = 0
  for (const char of text) {
    const value = ALPHABET.indexOf(char)
    if (value < 0)
      return undefined
    buffer = ((buffer << 5) | value) & 0xFFFF
    bits += 5
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xFF)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}

function fletcher16(bytes: Uint8Array): number {
  let c0 = 0
  let c1 = 0
  for (const byte of bytes) {
    c0 = (c0 + byte) & 0xFF
    c1 = (c1 + c0) & 0xFF
  }
  return (c1 << 8) | c0
}

/** A deployment's document id: the table number (VInt), 16 bytes, a Fletcher-16 checksum. */
export function encodeConvexId(tableNumber: number, internal: Uint8Array): string {
  const bytes: number[] = []
  let n = tableNumber
  while (n >= 0x80) {
    bytes.push((n & 0x7F) | 0x80)
    n >>>= 7
  }
  bytes.push(n, ...internal)
  const footer = fletcher16(Uint8Array.from(bytes))
  bytes.push(footer & 0xFF, footer >> 8)
  return base32Encode(Uint8Array.from(bytes))
}

/** The table number of a deployment's id (`undefined`: not one). */
export function convexIdTable(id: string): number | undefined {
  if (id.length < 31 || id.length > 37)
    return undefined
  const bytes = base32Decode(id)
  if (!bytes)
    return undefined
  let n = 0
  let i = 0
  for (; i < 5; i++) {
    n |= (bytes[i] & 0x7F) << (7 * i)
    if (bytes[i] < 0x80)
      break
  }
  const end = i + 1 + 16
  if (bytes.length !== end + 2 || n === 0)
    return undefined
  const footer = bytes[end] | (bytes[end + 1] << 8)
  return footer === fletcher16(bytes.subarray(0, end)) ? n : undefined
}

/** The local backend's id for `counter` in `table` (convex-test's form). */
const localId = (counter: number, table: string) => `${String(counter).padStart(32 - table.length, '0')}${table}`
const tableOfLocalId = (id: string) => id.replace(/^\d+/, '')

/** Replaces, deep in `value`, every string that `ids` translates. */
function translate(value: JSONValue, ids: Map<string, string>): JSONValue {
  if (typeof value === 'string')
    return ids.get(value) ?? value
  if (Array.isArray(value))
    return value.map(item => translate(item, ids))
  if (value && typeof value === 'object') {
    const out: Record<string, JSONValue> = {}
    for (const [key, item] of Object.entries(value)) out[key] = translate(item, ids)
    return out
  }
  return value
}

/** A component path (`a/b`) as Convex lays it out in a ZIP (`_components/a/_components/b/`). */
const componentPrefix = (path: string) => path ? `${path.split('/').map(name => `_components/${name}/`).join('')}` : ''
const jsonl = (rows: unknown[]) => rows.map(row => `${JSON.stringify(row)}\n`).join('')

/**
 * The local backend's data as a snapshot ZIP in Convex's export format (what `npx convex import`
 * reads). `_scheduled_functions` and other system tables stay behind, as a deployment's export
 * leaves them.
 */
export function exportSnapshot(data: BackendData): Uint8Array {
  const files: Record<string, Uint8Array> = {}
  for (const [path, component] of Object.entries(data.components)) {
    const prefix = componentPrefix(path)
    const byTable = new Map<string, Array<Record<string, JSONValue>>>()
    for (const document of component.documents as Array<Record<string, JSONValue>>) {
      const table = tableOfLocalId(String(document._id))
      if (table.startsWith('_') && !EXPORTED_SYSTEM_TABLES.has(table))
        continue
      let rows = byTable.get(table)
      if (!rows)
        byTable.set(table, rows = [])
      rows.push(document)
    }
    const tables = [...byTable.keys()].sort()
    const numbers = new Map(tables.map((table, i) => [table, FIRST_TABLE_NUMBER + i]))
    const ids = new Map<string, string>()
    for (const [table, rows] of byTable) {
      for (const row of rows) {
        // 16 bytes as a deployment's look (random-like), the same for the same document every time.
        const internal = createHash('sha256').update(`${path}\0${String(row._id)}`).digest().subarray(0, 16)
        ids.set(String(row._id), encodeConvexId(numbers.get(table)!, internal))
      }
    }
    files[`${prefix}_tables/documents.jsonl`] = strToU8(jsonl(tables.map(name => ({ name, id: numbers.get(name) }))))
    for (const [table, rows] of byTable) {
      const translated = rows.map(row => translate(row, ids) as Record<string, JSONValue>)
      files[`${prefix}${table}/documents.jsonl`] = strToU8(jsonl(translated))
    }
    for (const [id, file] of Object.entries(component.files)) {
      const exported = ids.get(id)
      if (exported)
        files[`${prefix}_storage/${exported}`] = Buffer.from(file.base64, 'base64')
    }
  }
  return zipSync(files, { level: 6 })
}

/** A snapshot ZIP that cannot be read, with what is wrong. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SnapshotError'
  }
}

const DOCUMENTS = /^(.*\/)?([^/]+)\/documents\.jsonl$/
const STORAGE_FILE = /^(.*\/)?_storage\/([^/.]+)(?:\.[^/]+)?$/

/** The component path of a ZIP entry's folder prefix (`x/_components/a/_components/b/` → `a/b`; a leading folder is ignored). */
function componentOf(prefix: string): string {
  const names: string[] = []
  let rest = prefix
  for (let match = /^(.*\/)?_components\/([^/]+)\/$/.exec(rest); match; match = /^(.*\/)?_components\/([^/]+)\/$/.exec(rest)) {
    names.unshift(match[2])
    rest = match[1] ?? ''
  }
  return names.join('/')
}

/**
 * Reads a snapshot ZIP in Convex's export format (from `npx convex export`, the dashboard, or
 * {@link exportSnapshot}) as the local backend's data: every table, stored files, and
 * components' tables; ids translated, references between documents kept.
 */
export function importSnapshot(zip: Uint8Array): BackendData {
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(zip)
  }
  catch (e) {
    throw new SnapshotError(`It is not a ZIP file (${(e as Error).message}): pass the .zip that npx convex export (or the dashboard's backup) wrote.`)
  }
  interface Table { component: string, table: string, rows: Array<Record<string, JSONValue>> }
  const tables: Table[] = []
  const stored = new Map<string, Map<string, Uint8Array>>()
  for (const [name, bytes] of Object.entries(entries)) {
    const documents = DOCUMENTS.exec(name)
    if (documents) {
      const table = documents[2]
      // The deployment's own system tables (and the table list) are not data to import.
      if (table.startsWith('_') && !EXPORTED_SYSTEM_TABLES.has(table))
        continue
      const rows: Array<Record<string, JSONValue>> = []
      strFromU8(bytes).split('\n').forEach((line, i) => {
        if (!line.trim())
          return
        try {
          rows.push(JSON.parse(line))
        }
        catch (e) {
          throw new SnapshotError(`${name}, line ${i + 1}, is not JSON: ${(e as Error).message}`)
        }
      })
      tables.push({ component: componentOf(documents[1] ?? ''), table, rows })
      continue
    }
    const file = STORAGE_FILE.exec(name)
    if (file) {
      const component = componentOf(file[1] ?? '')
      let files = stored.get(component)
      if (!files)
        stored.set(component, files = new Map())
      files.set(file[2], bytes)
    }
  }
  if (!tables.length)
    throw new SnapshotError('It holds no table (no <table>/documents.jsonl): pass the .zip that npx convex export (or the dashboard\'s backup) wrote.')
  const data: BackendData = { format: 'vueuse-convex-data/1', components: {} }
  const components = [...new Set(tables.map(t => t.component))]
  for (const component of components) {
    const own = tables.filter(t => t.component === component).sort((a, b) => a.table.localeCompare(b.table))
    // New local ids, in creation order within each table; the same counter for the component.
    const ids = new Map<string, string>()
    let counter = 10000
    let lastCreationTime = 0
    for (const { table, rows } of own) {
      rows.sort((a, b) => Number(a._creationTime ?? 0) - Number(b._creationTime ?? 0))
      for (const row of rows) {
        if (typeof row._id !== 'string')
          throw new SnapshotError(`A document of table "${table}"${component ? ` (component ${component})` : ''} has no _id: a snapshot export keeps every document's _id.`)
        ids.set(row._id, localId(counter++, table))
        lastCreationTime = Math.max(lastCreationTime, Number(row._creationTime ?? 0))
      }
    }
    const files: BackendData['components'][string]['files'] = {}
    const documents: JSONValue[] = []
    for (const { rows } of own) {
      for (const row of rows) {
        const document = translate(row, ids) as Record<string, JSONValue>
        documents.push(document)
      }
    }
    const byId = new Map(documents.map(d => [(d as Record<string, JSONValue>)._id, d as Record<string, JSONValue>]))
    for (const [id, bytes] of stored.get(component) ?? []) {
      const local = ids.get(id)
      if (!local)
        continue
      const type = byId.get(local)?.contentType
      files[local] = { type: typeof type === 'string' ? type : '', base64: Buffer.from(bytes).toString('base64') }
    }
    data.components[component] = { documents, files, nextDocId: counter, lastCreationTime }
  }
  return data
}
