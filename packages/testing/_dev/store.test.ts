// @vitest-environment node
// The local backend's store on its own: a write is on disk before it is acknowledged (a real
// `kill -9` right after loses none), a torn last record is dropped and reported, a file it cannot
// read is left byte for byte, one process per folder, and the cost of a write follows the change.
import type { ChildProcess } from 'node:child_process'
import type { Commit } from '../_internal/commits'
import type { Store } from './store'
import { Buffer } from 'node:buffer'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { afterEach, describe, expect, it } from 'vitest'
import { DataLockedError, LOCK_FILE, openStore, readStoredData, resetData, SNAPSHOT_FILE, UnreadableDataError } from './store'

const root = resolve(import.meta.dirname, '../../..')
let work: string
const open: Store[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  children.splice(0).forEach(child => child.kill('SIGKILL'))
  await Promise.all(open.splice(0).map(store => store.close()))
  rmSync(work, { recursive: true, force: true })
})

function folder() {
  work = mkdtempSync(join(tmpdir(), 'vueuse-convex-store-'))
  return work
}

async function start(dir = work, options = {}) {
  const store = await openStore(dir, work, options)
  open.push(store)
  return store
}

async function stop(store: Store) {
  open.splice(open.indexOf(store), 1)
  await store.close()
}

let counter = 10000
function insert(body: string, component = ''): Commit {
  const id = `${counter++}notes`
  return { component, documents: [[id, { _id: id, _creationTime: counter, body }]], files: [], nextDocId: counter, lastCreationTime: counter }
}

const bodies = (store: Store, component = '') => (store.data()?.components[component]?.documents ?? []).map((d: any) => d.body).sort()
const logFiles = (dir: string) => readdirSync(dir).filter(name => name.endsWith('.wal')).sort()
/** Where a log's records end: zeros follow (space written ahead). */
function recordsEnd(file: string) {
  const bytes = readFileSync(file)
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0) end--
  return end
}

describe('the local backend\'s store', () => {
  it('keeps every acknowledged commit across a restart, deletes and files included', async () => {
    const dir = folder()
    const store = await start()
    const a = insert('a')
    const b = insert('b')
    store.commit(a)
    store.commit(b)
    store.commit({ component: '', documents: [[a.documents[0][0], null]], files: [], nextDocId: counter, lastCreationTime: counter })
    const fileId = `${counter++}_storage`
    const nextDocId = counter
    store.commit({ component: '', documents: [[fileId, { _id: fileId, _creationTime: 1, size: 4, sha256: 'x' }]], files: [[fileId, new Blob(['body'], { type: 'text/plain' })]], nextDocId, lastCreationTime: counter })
    store.commit(insert('in a component', 'rateLimiter'))
    await store.durable()
    await stop(store)

    const again = await start(dir)
    expect(bodies(again)).toEqual(['b', undefined])
    expect(bodies(again, 'rateLimiter')).toEqual(['in a component'])
    const file = again.data()!.components[''].files[fileId]
    expect(file.type).toBe('text/plain')
    expect(Buffer.from(file.base64, 'base64').toString()).toBe('body')
    expect(again.data()!.components[''].nextDocId).toBe(nextDocId)
    expect(again.report.replayed).toBeGreaterThan(0)
  })

  it('writes commits that arrive during an fsync together, in order (group commit)', async () => {
    folder()
    const store = await start()
    const acknowledged: number[] = []
    await Promise.all(Array.from({ length: 200 }, (_, i) => {
      store.commit(insert(String(i).padStart(3, '0')))
      return store.durable().then(() => acknowledged.push(i))
    }))
    expect(acknowledged).toHaveLength(200)
    await stop(store)
    const again = await start()
    expect(bodies(again)).toEqual(Array.from({ length: 200 }, (_, i) => String(i).padStart(3, '0')))
    // Fewer records than commits: the ones that waited for an fsync shared the next.
    expect(again.report.replayed).toBeLessThan(200)
  })

  it('writes the components of one transaction in one record: all of it is on disk, or none', async () => {
    const dir = folder()
    const store = await start()
    // As convex-test commits a transaction: each component's part, one after the other, in one turn.
    store.commit(insert('in the app'))
    store.commit(insert('in the component', 'rateLimiter'))
    await store.durable()
    await stop(store)
    const again = await start(dir)
    expect(again.report.replayed).toBe(1)
    expect([...bodies(again), ...bodies(again, 'rateLimiter')]).toEqual(['in the app', 'in the component'])
  })

  it('a write costs the size of the change, not of the database', async () => {
    const dir = folder()
    const store = await start(dir, { compactAfterBytes: Number.POSITIVE_INFINITY })
    const logSize = () => logFiles(dir).reduce((sum, name) => sum + recordsEnd(join(dir, name)), 0)
    const grows = async () => {
      const before = logSize()
      store.commit(insert('one more'))
      await store.durable()
      return logSize() - before
    }
    const small = await grows()
    for (let i = 0; i < 5000; i++) store.commit(insert(`filler ${i}`))
    await store.durable()
    expect(await grows()).toBe(small)
  })

  it('folds the log into a snapshot in the background and starts again from it', async () => {
    const dir = folder()
    const store = await start(dir, { compactAfterBytes: 2000 })
    for (let i = 0; i < 100; i++) {
      store.commit(insert(`n${i}`))
      await store.durable()
    }
    await store.compact()
    expect(existsSync(join(dir, SNAPSHOT_FILE))).toBe(true)
    expect(logFiles(dir)).toHaveLength(1)
    store.commit(insert('after the snapshot'))
    await store.durable()
    await stop(store)
    const again = await start(dir)
    expect(bodies(again)).toHaveLength(101)
    expect(bodies(again)).toContain('after the snapshot')
  })

  it('keeps clients\' mutations with their responses across a restart and a compaction: a replay after a crash is answered, not run again', async () => {
    const dir = folder()
    const store = await start()
    const response = (requestId: number) => ({ type: 'MutationResponse', requestId, success: true, result: `note ${requestId}`, ts: 'AAAAAAAAAAA=', logLines: [] })
    const tagged = (requestId: number) => ({ ...insert(`m${requestId}`), request: `session-1 ${requestId}` })
    // The usual way: the response joins its commit before the group is written (one record).
    store.commit(tagged(0))
    store.respond({ session: 'session-1', requestId: 0, response: response(0) })
    await store.durable()
    // A response that comes once its commit is written goes in a record of its own.
    store.commit(tagged(1))
    await store.durable()
    store.respond({ session: 'session-1', requestId: 1, response: response(1) })
    await store.durable()
    // A commit whose response never came (the process stopped first): known to have run.
    store.commit(tagged(2))
    await store.durable()
    // A mutation that wrote nothing leaves nothing to keep.
    store.respond({ session: 'session-1', requestId: 3, response: response(3) })
    await store.durable()
    const expected = [
      { session: 'session-1', requestId: 0, response: response(0) },
      { session: 'session-1', requestId: 1, response: response(1) },
      { session: 'session-1', requestId: 2, response: null },
    ]
    expect(store.requests()).toEqual(expected)
    await stop(store)
    const again = await start(dir)
    expect(again.requests()).toEqual(expected)
    // Folding the log into a snapshot removes the old logs: the requests are carried into the new one.
    const before = logFiles(dir)
    await again.compact()
    await stop(again)
    expect(logFiles(dir).filter(name => before.includes(name))).toEqual([])
    const third = await start(dir)
    expect(third.requests()).toEqual(expected)
    expect(bodies(third)).toEqual(['m0', 'm1', 'm2'])
  })

  it('carries the clients\' mutations into each new log without counting them as growth: a large carry does not fold the log at every write', async () => {
    const dir = folder()
    const store = await start(dir, { compactAfterBytes: 4000 })
    for (let requestId = 0; requestId < 40; requestId++) {
      store.commit({ ...insert(`r${requestId}`), request: `session-2 ${requestId}` })
      store.respond({ session: 'session-2', requestId, response: { requestId, result: 'x'.repeat(300) } })
    }
    await store.durable()
    await store.compact() // the carried record alone (about 14 KB) is far over compactAfterBytes
    const newest = () => Math.max(...logFiles(dir).map(name => Number(/\d+/.exec(name)![0])))
    const after = newest()
    for (let i = 0; i < 5; i++) {
      store.commit(insert(`small ${i}`))
      await store.durable()
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(newest()).toBe(after)
    expect(store.requests()).toHaveLength(40)
  })

  it('drops a torn last record (a write a crash cut short) and says so; the rest is kept', async () => {
    const dir = folder()
    const store = await start()
    store.commit(insert('kept'))
    await store.durable()
    await stop(store)
    const log = join(dir, logFiles(dir).at(-1)!)
    // Half a record: a length and a checksum, then fewer bytes than the length says.
    const torn = Buffer.alloc(20, 7)
    torn.writeUInt32LE(500, 0)
    writeFileSync(log, Buffer.concat([readFileSync(log).subarray(0, recordsEnd(log)), torn]))
    const again = await start(dir)
    expect(again.report.torn).toEqual({ file: log, bytes: 20 })
    expect(bodies(again)).toEqual(['kept'])
    await stop(again)
    // A whole record whose bytes did not all reach the disk: damaged, with only zeros after it.
    const third = await start(dir)
    expect(third.report.torn).toBeUndefined()
    third.commit(insert('more'))
    await third.durable()
    third.commit(insert('cut short'))
    await third.durable()
    await stop(third)
    const last = join(dir, logFiles(dir).at(-1)!)
    const written = readFileSync(last)
    const end = recordsEnd(last)
    written.fill(0, end - 10, end)
    written[end - 11] ^= 0xFF
    writeFileSync(last, written)
    const fourth = await start(dir)
    expect(fourth.report.torn?.file).toBe(last)
    expect(bodies(fourth)).toEqual(['kept', 'more'])
  })

  it('refuses a log damaged before its end, leaving every file as it was', async () => {
    const dir = folder()
    const store = await start(dir, { compactAfterBytes: Number.POSITIVE_INFINITY })
    for (const body of ['one', 'two', 'three']) {
      store.commit(insert(body))
      await store.durable()
    }
    await stop(store)
    const log = join(dir, logFiles(dir).at(-1)!)
    const bytes = readFileSync(log)
    bytes[12] ^= 0xFF
    writeFileSync(log, bytes)
    const before = readdirSync(dir).map(name => [name, readFileSync(join(dir, name)).toString('base64')])
    const error = await openStore(dir, work).catch(e => e)
    expect(error).toBeInstanceOf(UnreadableDataError)
    expect(error.message).toContain(log)
    expect(error.message).toMatch(/damaged and more data follows/)
    expect(readdirSync(dir).map(name => [name, readFileSync(join(dir, name)).toString('base64')])).toEqual(before)
  })

  const unreadable: Array<[string, (good: Buffer) => Buffer, RegExp]> = [
    ['truncated', good => good.subarray(0, Math.floor(good.length / 2)), /ends early/],
    ['empty', () => Buffer.alloc(0), /is empty/],
    ['garbage', () => Buffer.from('<html>not data</html>'), /not the JSON/],
    ['NUL-filled', good => Buffer.alloc(good.length), /only NUL bytes/],
  ]
  for (const [what, damage, problem] of unreadable) {
    it(`leaves a ${what} data.json (the old format) byte for byte and names it`, async () => {
      const dir = folder()
      const legacy = join(dir, 'data.json')
      const good = Buffer.from(JSON.stringify({ format: 'vueuse-convex-data/1', components: { '': { documents: [{ _id: '10000notes', _creationTime: 1, body: 'x' }], files: {}, nextDocId: 10001, lastCreationTime: 1 } } }))
      writeFileSync(legacy, damage(good))
      const before = readFileSync(legacy)
      const error = await openStore(dir, work).catch(e => e)
      expect(error).toBeInstanceOf(UnreadableDataError)
      expect(error.message).toContain(legacy)
      expect(error.message).toMatch(problem)
      expect(readFileSync(legacy).equals(before)).toBe(true)
      expect(readdirSync(dir)).toEqual(['data.json'])
      expect(() => readStoredData(dir, work)).toThrow(UnreadableDataError)
    })

    it(`leaves a ${what} snapshot byte for byte and names it`, async () => {
      const dir = folder()
      const store = await start(dir)
      store.commit(insert('x'))
      await store.compact()
      await stop(store)
      const snapshot = join(dir, SNAPSHOT_FILE)
      writeFileSync(snapshot, damage(readFileSync(snapshot)))
      const before = readdirSync(dir).map(name => [name, readFileSync(join(dir, name)).toString('base64')])
      const error = await openStore(dir, work).catch(e => e)
      expect(error).toBeInstanceOf(UnreadableDataError)
      expect(error.message).toContain(snapshot)
      expect(readdirSync(dir).map(name => [name, readFileSync(join(dir, name)).toString('base64')])).toEqual(before)
    })
  }

  it('reads the old data.json once into the store, and keeps it renamed', async () => {
    const dir = folder()
    const legacy = join(dir, 'data.json')
    writeFileSync(legacy, JSON.stringify({ format: 'vueuse-convex-data/1', components: { '': { documents: [{ _id: '10000notes', _creationTime: 1, body: 'from before' }], files: { '10001_storage': { type: 'text/plain', base64: 'aGk=' } }, nextDocId: 10002, lastCreationTime: 1 } } }))
    const store = await start(legacy)
    expect(store.report.migrated).toBe(legacy)
    expect(store.dir).toBe(dir)
    store.commit(insert('after'))
    await store.durable()
    await stop(store)
    expect(existsSync(legacy)).toBe(false)
    expect(existsSync(`${legacy}.migrated`)).toBe(true)
    const again = await start(dir)
    expect(again.report.migrated).toBeUndefined()
    expect(bodies(again)).toEqual(['after', 'from before'])
    expect(again.data()!.components[''].files['10001_storage']).toEqual({ type: 'text/plain', base64: 'aGk=' })
  })

  it('--reset-data moves the store\'s files aside with a timestamp, and starts empty', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'data.json'), 'garbage')
    writeFileSync(join(dir, 'signing-key.json'), '{}')
    const aside = resetData(dir, work)!
    expect(aside).toMatch(/reset-\d{4}-\d\d-\d\dT/)
    expect(readFileSync(join(aside, 'data.json'), 'utf8')).toBe('garbage')
    expect(existsSync(join(dir, 'signing-key.json'))).toBe(true)
    const store = await start(dir)
    expect(store.data()).toBeUndefined()
  })

  it('one process per data folder: a second is refused naming the holder; a dead holder\'s lock is taken over', async () => {
    const dir = folder()
    const first = await start(dir)
    await expect(openStore(dir, work)).rejects.toThrow(new DataLockedError(dir, process.pid))
    await expect(openStore(dir, work)).rejects.toThrow(`(pid ${process.pid}): stop it first`)
    await stop(first)

    // Another live process holds it.
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    children.push(holder)
    writeFileSync(join(dir, LOCK_FILE), `${holder.pid}\n`)
    await expect(openStore(dir, work)).rejects.toThrow(`pid ${holder.pid}`)

    // A process that is gone: its lock is stale.
    holder.kill('SIGKILL')
    await new Promise(resolve => holder.once('exit', resolve))
    const taken = await start(dir)
    expect(taken.report.staleLock).toBe(holder.pid)
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid))
    await stop(taken)
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  // Inline on a fast disk; through the thread pool on a slow one (forced here with inlineFlushMs: 0).
  it.each([['written inline', 2], ['written through the thread pool', 0]])('keeps every acknowledged commit when the process is killed (kill -9) right after (%s)', async (_, inlineFlushMs) => {
    const dir = folder()
    mkdirSync(dir, { recursive: true })
    const script = join(dir, 'writer.mts')
    // Acknowledges each commit on stdout once durable() resolves, as fast as it can.
    writeFileSync(script, `
      import { openStore } from ${JSON.stringify(resolve(import.meta.dirname, 'store.ts'))}
      const [dir, round, inlineFlushMs] = process.argv.slice(2)
      const store = await openStore(dir, dir, { inlineFlushMs: Number(inlineFlushMs) })
      let n = 0
      while (true) {
        const id = String(10000 + n) + 'notes'
        store.commit({ component: '', documents: [[id + round, { _id: id + round, _creationTime: n, body: round + ':' + n }]], files: [], nextDocId: n, lastCreationTime: n })
        const i = n++
        void store.durable().then(() => process.stdout.write('ack ' + i + '\\n'))
        if (n % 8 === 0) await store.durable()
      }
    `)
    const data = join(dir, 'data')
    let expected = 0
    for (let round = 0; round < 8; round++) {
      const wanted = 40 + round * 7
      const child = spawn(process.execPath, ['--import', 'tsx', script, data, String(round), String(inlineFlushMs)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
      children.push(child)
      const acked = await new Promise<number>((resolve, reject) => {
        let seen = 0
        let buffered = ''
        child.stdout!.on('data', (chunk) => {
          buffered += chunk
          const lines = buffered.split('\n')
          buffered = lines.pop()!
          seen += lines.length
          if (seen >= wanted) {
            child.kill('SIGKILL')
            resolve(seen)
          }
        })
        child.once('exit', code => code !== null && reject(new Error(`writer exited with ${code}`)))
      })
      await new Promise(resolve => child.once('exit', resolve))
      expected += acked
      const after = await openStore(data, data)
      const kept = new Set((after.data()?.components['']?.documents ?? []).map((d: any) => d.body))
      await after.close()
      const lost = Array.from({ length: acked }, (_, i) => `${round}:${i}`).filter(body => !kept.has(body))
      expect(lost).toEqual([])
      expect(kept.size).toBeGreaterThanOrEqual(expected)
    }
  }, 120_000)
})
