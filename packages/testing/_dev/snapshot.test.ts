// @vitest-environment node
// Moving data between the local backend and a deployment: `vueuse-convex export` writes Convex's
// snapshot ZIP (as `npx convex import` reads it), `vueuse-convex import` reads one as
// `npx convex export` writes it — ids translated, references and files kept.
import type { BackendData } from '../_internal/executor'
import { Buffer } from 'node:buffer'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { exportCommand, importCommand } from './data'
import { convexIdTable, encodeConvexId, exportSnapshot, importSnapshot } from './snapshot'
import { openStore, readStoredData } from './store'

let work: string | undefined
afterEach(() => {
  if (work)
    rmSync(work, { recursive: true, force: true })
  work = undefined
})

const id = (counter: number, table: string) => `${String(counter).padStart(32 - table.length, '0')}${table}`
const lines = (bytes: Uint8Array) => strFromU8(bytes).trim().split('\n').map(line => JSON.parse(line))

const author = id(10000, 'users')
const note = id(10001, 'notes')
const reply = id(10002, 'notes')
const file = id(10003, '_storage')
const upload = id(10004, 'uploads')
const data: BackendData = {
  format: 'vueuse-convex-data/1',
  components: {
    '': {
      documents: [
        { _id: author, _creationTime: 1, name: 'Ada' },
        { _id: note, _creationTime: 2, body: 'first', author },
        { _id: reply, _creationTime: 3, body: 'reply', author, replyTo: note, tags: [note] },
        { _id: file, _creationTime: 4, size: 5, sha256: 'x', contentType: 'text/plain' },
        { _id: upload, _creationTime: 5, storageId: file, name: 'a.txt' },
        { _id: id(10005, '_scheduled_functions'), _creationTime: 6, name: 'notes:later', state: { kind: 'pending' } },
      ],
      files: { [file]: { type: 'text/plain', base64: Buffer.from('hello').toString('base64') } },
      nextDocId: 10006,
      lastCreationTime: 6,
    },
    'rateLimiter': {
      documents: [{ _id: id(10000, 'rateLimits'), _creationTime: 7, name: 'send', value: 1 }],
      files: {},
      nextDocId: 10001,
      lastCreationTime: 7,
    },
  },
}

describe('convex snapshot ZIPs', () => {
  it('writes ids as a deployment does (its own test vector)', () => {
    const internal = new Uint8Array(16)
    internal[0] = 251
    for (let i = 1; i < 16; i++) internal[i] = (internal[i - 1] * 251) & 0xFF
    expect(encodeConvexId(1017, internal)).toBe('z43zp6c3e75gkmz1kfwj6mbbx5sw281h')
    expect(convexIdTable('z43zp6c3e75gkmz1kfwj6mbbx5sw281h')).toBe(1017)
    expect(convexIdTable('z43zp6c3e75gkmz1kfwj6mbbx5sw281j')).toBeUndefined()
  })

  it('exports in Convex\'s layout: a folder per table, _tables, _storage with its files, components under _components/', () => {
    const entries = unzipSync(exportSnapshot(data))
    const names = Object.keys(entries)
    const files = names.filter(name => /^_storage\/[^/]+$/.test(name) && name !== '_storage/documents.jsonl')
    expect(files).toHaveLength(1)
    expect(convexIdTable(files[0].slice('_storage/'.length))).toBeDefined()
    expect(names.filter(name => !files.includes(name)).sort()).toEqual([
      '_components/rateLimiter/_tables/documents.jsonl',
      '_components/rateLimiter/rateLimits/documents.jsonl',
      '_storage/documents.jsonl',
      '_tables/documents.jsonl',
      'notes/documents.jsonl',
      'uploads/documents.jsonl',
      'users/documents.jsonl',
    ])
    const tables = new Map(lines(entries['_tables/documents.jsonl']).map(t => [t.name, t.id]))
    expect([...tables.keys()]).toEqual(['_storage', 'notes', 'uploads', 'users'])
    const [ada] = lines(entries['users/documents.jsonl'])
    const notes = lines(entries['notes/documents.jsonl'])
    // Every id is a deployment's id of its own table; references follow their documents.
    expect(convexIdTable(ada._id)).toBe(tables.get('users'))
    expect(notes.map(n => convexIdTable(n._id))).toEqual([tables.get('notes'), tables.get('notes')])
    expect(notes[1]).toEqual({ _id: notes[1]._id, _creationTime: 3, body: 'reply', author: ada._id, replyTo: notes[0]._id, tags: [notes[0]._id] })
    const [stored] = lines(entries['_storage/documents.jsonl'])
    expect(strFromU8(entries[`_storage/${stored._id}`])).toBe('hello')
    expect(lines(entries['uploads/documents.jsonl'])[0].storageId).toBe(stored._id)
  })

  it('round trip: export then import gives the same data, with references and files', () => {
    const back = importSnapshot(exportSnapshot(data))
    const app = back.components[''].documents as any[]
    const byName = (table: string) => app.filter(d => d._id.endsWith(table) && d._id.replace(/^\d+/, '') === table)
    const [ada] = byName('users')
    const [first, second] = byName('notes')
    expect(ada.name).toBe('Ada')
    expect(second).toMatchObject({ body: 'reply', author: ada._id, replyTo: first._id, tags: [first._id], _creationTime: 3 })
    const [stored] = byName('_storage')
    expect(byName('uploads')[0].storageId).toBe(stored._id)
    expect(back.components[''].files[stored._id]).toEqual({ type: 'text/plain', base64: Buffer.from('hello').toString('base64') })
    expect(byName('_scheduled_functions')).toEqual([])
    expect(back.components.rateLimiter.documents).toMatchObject([{ name: 'send', value: 1 }])
    expect(back.components[''].nextDocId).toBeGreaterThan(Math.max(...app.map(d => Number.parseInt(d._id, 10))))
  })

  it('imports a ZIP laid out as npx convex export writes it (a leading folder, generated_schema, README, nested components)', () => {
    const random = (seed: number) => Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 17) & 0xFF)
    const user = encodeConvexId(10001, random(1))
    const message = encodeConvexId(10002, random(2))
    const storage = encodeConvexId(23, random(3))
    const nested = encodeConvexId(10001, random(4))
    const zip = zipSync({
      'snapshot/README.md': strToU8('This is a Convex snapshot export.'),
      'snapshot/_tables/documents.jsonl': strToU8(`${JSON.stringify({ name: 'users', id: 10001 })}\n${JSON.stringify({ name: 'messages', id: 10002 })}\n`),
      'snapshot/users/documents.jsonl': strToU8(`${JSON.stringify({ _id: user, _creationTime: 1700000000000.5, name: 'Grace' })}\n`),
      'snapshot/users/generated_schema.jsonl': strToU8('"uniform"\n'),
      'snapshot/messages/documents.jsonl': strToU8(`${JSON.stringify({ _id: message, _creationTime: 1700000000001, body: 'hi', author: user, file: storage })}\n`),
      'snapshot/_storage/documents.jsonl': strToU8(`${JSON.stringify({ _id: storage, _creationTime: 1700000000002, sha256: 'abc', size: 3, contentType: 'image/png' })}\n`),
      [`snapshot/_storage/${storage}.png`]: Uint8Array.from([1, 2, 3]),
      'snapshot/_scheduled_functions/documents.jsonl': strToU8(''),
      'snapshot/_components/workpool/_components/inner/jobs/documents.jsonl': strToU8(`${JSON.stringify({ _id: nested, _creationTime: 5, n: 1 })}\n`),
    })
    const imported = importSnapshot(zip)
    const app = imported.components[''].documents as any[]
    const grace = app.find(d => d.name === 'Grace')
    const hi = app.find(d => d.body === 'hi')
    expect(grace._id).toMatch(/^\d+users$/)
    expect(hi._id).toMatch(/^\d+messages$/)
    expect(hi.author).toBe(grace._id)
    expect(hi.file).toMatch(/^\d+_storage$/)
    expect(imported.components[''].files[hi.file]).toEqual({ type: 'image/png', base64: Buffer.from([1, 2, 3]).toString('base64') })
    expect(imported.components['workpool/inner'].documents).toMatchObject([{ n: 1, _creationTime: 5 }])
    expect(imported.components[''].lastCreationTime).toBe(1700000000002)
  })

  it('says what is wrong with a file that is not a snapshot', () => {
    expect(() => importSnapshot(strToU8('not a zip'))).toThrow(/not a ZIP file/)
    expect(() => importSnapshot(zipSync({ 'README.md': strToU8('hi') }))).toThrow(/holds no table/)
    expect(() => importSnapshot(zipSync({ 'notes/documents.jsonl': strToU8('{"_id": "x"\n') }))).toThrow(/notes\/documents\.jsonl, line 1, is not JSON/)
  })

  it('vueuse-convex export and import: the data folder to a ZIP and back into another folder', async () => {
    work = mkdtempSync(join(tmpdir(), 'vueuse-convex-snapshot-'))
    const store = await openStore('.vueuse-convex', work)
    for (const document of data.components[''].documents as any[])
      store.commit({ component: '', documents: [[document._id, document]], files: document._id === file ? [[file, new Blob(['hello'], { type: 'text/plain' })]] : [], nextDocId: 10006, lastCreationTime: 6 })
    await store.durable()
    const said: string[] = []
    const write = (line: string) => said.push(line)
    // While `dev` runs (the store is open) the data can be exported.
    expect(await exportCommand(['--path', 'snapshot.zip'], work, write)).toBe(0)
    expect(said.pop()).toMatch(/^Exported 6 documents to snapshot\.zip .*npx convex import snapshot\.zip/)
    expect(await exportCommand(['--path', 'snapshot.zip'], work, write)).toBe(1)
    expect(said.pop()).toMatch(/snapshot\.zip exists already/)
    // ... but not imported over: the running one owns it.
    expect(await importCommand(['snapshot.zip'], work, write)).toBe(1)
    expect(said.pop()).toMatch(/in use by another vueuse-convex dev \(pid \d+\): stop it first/)
    await store.close()

    mkdirSync(join(work, 'other'))
    writeFileSync(join(work, 'other', 'data.json'), '{"format":"vueuse-convex-data/1","components":{}}')
    expect(await importCommand(['snapshot.zip', '--data', 'other'], work, write)).toBe(0)
    expect(said.pop()).toMatch(/^Imported 5 documents from snapshot\.zip into other\/ \(replacing what was there, which was moved to other\/reset-/)
    const copied = readStoredData('other', work)!
    expect((copied.components[''].documents as any[]).map(d => d.body ?? d.name).filter(Boolean).sort()).toEqual(['Ada', 'a.txt', 'first', 'reply'])
    expect(readdirSync(join(work, 'other')).some(name => name.startsWith('reset-'))).toBe(true)
    expect(existsSync(join(work, 'other', 'data.json'))).toBe(false)

    expect(await importCommand(['missing.zip'], work, write)).toBe(1)
    expect(said.pop()).toMatch(/missing\.zip: ENOENT/)
    expect(readFileSync(join(work, 'snapshot.zip')).length).toBeGreaterThan(0)
  })
})
