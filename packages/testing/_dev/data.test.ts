// @vitest-environment node
// `npx vueuse-convex dev` and its data under the everyday faults of development: a `kill -9` right
// after acknowledged mutations (through the real ConvexClient), an unreadable data file, a second
// instance on the same folder, a first start that fails and is then fixed, data of earlier versions.
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import type { DevBackend, DevBackendOptions } from '../dev'
import { Buffer } from 'node:buffer'
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { afterEach, describe, expect, it } from 'vitest'
import { startDevBackend } from '../dev'
import { readStoredData } from './store'

const root = resolve(import.meta.dirname, '../../..')
const fixture = resolve(import.meta.dirname, '../test/app/convex')
const devModule = resolve(import.meta.dirname, '../dev.ts')
const api = anyApi as any

let work: string | undefined
const running: DevBackend[] = []
const clients: ConvexClient[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  children.splice(0).forEach(child => child.kill('SIGKILL'))
  await Promise.all(clients.splice(0).map(c => c.close()))
  await Promise.all(running.splice(0).map(d => d.close()))
  if (work)
    rmSync(work, { recursive: true, force: true })
  work = undefined
})

/** A project with a copy of the test app's convex/, inside the repository for node_modules. */
function project(): string {
  work = mkdtempSync(join(root, 'node_modules', '.dev-data-test-'))
  cpSync(fixture, join(work, 'convex'), { recursive: true })
  return work
}

async function start(options: DevBackendOptions = {}) {
  const lines: Array<{ line: string, level: string }> = []
  const dev = await startDevBackend({ cwd: work, port: 0, sitePort: 0, watch: false, typecheck: 'disable', log: (line, level) => lines.push({ line, level }), ...options })
  running.push(dev)
  return { dev, lines }
}

async function stop(dev: DevBackend) {
  running.splice(running.indexOf(dev), 1)
  await dev.close()
}

function client(url: string) {
  const c = new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })
  clients.push(c)
  return c
}

const legacyData = (documents: unknown[]) => JSON.stringify({ format: 'vueuse-convex-data/1', components: { '': { documents, files: {}, nextDocId: 10010, lastCreationTime: 2 } } })
const snapshotOf = (dir: string) => readdirSync(dir, { recursive: true }).sort().map(name => [name, existsSync(join(dir, String(name))) && !String(name).endsWith('/') ? readFileSync(join(dir, String(name))).toString('base64').slice(0, 100) : ''])

describe('vueuse-convex dev: the data', () => {
  it('keeps every acknowledged mutation when the process is killed (kill -9) right after, 20 rounds', async () => {
    project()
    // `dev` in a process of its own, as `npx vueuse-convex dev` runs it (its _generated/ is there already).
    writeFileSync(join(work!, 'dev.mts'), `
      import { startDevBackend } from ${JSON.stringify(devModule)}
      await startDevBackend({ port: 0, sitePort: 0, watch: false, codegen: false, typecheck: 'disable' })
    `)
    let total = 0
    for (let round = 0; round < 20; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'dev.mts'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      let output = ''
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk) => {
          output += chunk
          const found = /VITE_CONVEX_URL=(\S+)/.exec(output)
          if (found)
            resolve(found[1])
        })
        child.stderr!.on('data', chunk => (output += chunk))
        child.once('exit', code => reject(new Error(`dev exited with ${code}: ${output}`)))
      })
      const c = client(url)
      expect(await c.query(api.notes.list, {})).toHaveLength(total)
      const n = 10 + round
      // All in flight at once: acknowledged together, written as groups.
      await Promise.all(Array.from({ length: n }, (_, i) => c.mutation(api.notes.add, { body: `${round}:${i}` })))
      child.kill('SIGKILL')
      total += n
      await new Promise(resolve => child.once('exit', resolve))
      await c.close()
      clients.splice(clients.indexOf(c), 1)
    }
    const { dev } = await start()
    const notes = await client(dev.url!).query(api.notes.list, {})
    expect(notes).toHaveLength(total)
  }, 300_000)

  it('runs each mutation of a client that stays open across a kill -9 and a restart exactly once, and settles every one', async () => {
    project()
    // A fixed port, so that the client reconnects to the restarted process as to a deployment.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    writeFileSync(join(work!, 'dev.mts'), `
      import { startDevBackend } from ${JSON.stringify(devModule)}
      await startDevBackend({ port: ${port}, sitePort: 0, watch: false, codegen: false, typecheck: 'disable' })
    `)
    const startChild = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'dev.mts'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      let output = ''
      return new Promise<ChildProcess>((resolve, reject) => {
        child.stdout!.on('data', (chunk) => {
          output += chunk
          if (/VITE_CONVEX_URL=/.test(output))
            resolve(child)
        })
        child.stderr!.on('data', chunk => (output += chunk))
        child.once('exit', code => reject(new Error(`dev exited with ${code}: ${output}`)))
      })
    }
    let child = await startChild()
    const c = client(`http://127.0.0.1:${port}`)
    let sent = 0
    for (let round = 0; round < 4; round++) {
      // A burst in flight: some acknowledged, some on disk but not yet acknowledged, some not run.
      const burst = Array.from({ length: 150 }, (_, i) => c.mutation(api.notes.add, { body: `${round}:${i}` }))
      sent += burst.length
      const target = 20 + round * 30
      await new Promise<void>((resolve) => {
        let settled = 0
        burst.forEach(p => p.then(() => ++settled === target && resolve(), () => {}))
      })
      child.kill('SIGKILL')
      await new Promise(resolve => child.once('exit', resolve))
      child = await startChild()
      // The client reconnects and replays what it has not seen complete: each runs once.
      const results = await Promise.allSettled(burst)
      expect(results.filter(r => r.status === 'rejected')).toEqual([])
    }
    const bodies = (await c.query(api.notes.list, {})).map((note: { body: string }) => note.body)
    expect(bodies).toHaveLength(sent)
    expect(new Set(bodies).size).toBe(sent)
  }, 300_000)

  for (const [what, bytes] of [
    ['truncated', Buffer.from(legacyData([{ _id: '10000notes', _creationTime: 1, body: 'one' }, { _id: '10001notes', _creationTime: 2, body: 'two' }]).slice(0, 90))],
    ['empty', Buffer.alloc(0)],
    ['garbage', Buffer.from('\u0089PNG not data at all')],
    ['NUL-filled', Buffer.alloc(1694)],
  ] as const) {
    it(`leaves a ${what} data file as it is, names it, serves nothing, and starts empty only when told (--reset-data)`, async () => {
      project()
      const file = join(work!, '.vueuse-convex', 'data.json')
      mkdirSync(join(work!, '.vueuse-convex'))
      writeFileSync(file, bytes)
      const error = await start().catch(e => e as Error)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toContain(`The data in ${join('.vueuse-convex', 'data.json')} cannot be read`)
      expect((error as Error).message).toContain('--reset-data')
      expect(readFileSync(file).equals(bytes)).toBe(true)
      expect(readdirSync(join(work!, '.vueuse-convex'))).toEqual(['data.json'])

      const { dev, lines } = await start({ resetData: true })
      expect(lines[0].line).toMatch(/the previous data was moved to \.vueuse-convex[/\\]reset-/)
      expect(await client(dev.url!).query(api.notes.list, {})).toEqual([])
      const aside = readdirSync(join(work!, '.vueuse-convex')).find(name => name.startsWith('reset-'))!
      expect(readFileSync(join(work!, '.vueuse-convex', aside, 'data.json')).equals(bytes)).toBe(true)
    }, 120_000)
  }

  it('refuses a second instance on the same data, naming the first one\'s pid; the first keeps its data', async () => {
    project()
    const { dev } = await start()
    const c = client(dev.url!)
    await c.mutation(api.notes.add, { body: 'first' })
    const before = snapshotOf(join(work!, '.vueuse-convex'))
    await expect(start()).rejects.toThrow(`in use by another vueuse-convex dev (pid ${process.pid})`)
    expect(snapshotOf(join(work!, '.vueuse-convex'))).toEqual(before)
    await c.mutation(api.notes.add, { body: 'second' })
    await stop(dev)
    const again = await start()
    expect((await client(again.dev.url!).query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['first', 'second'])
  }, 120_000)

  it('a first start that fails (the schema refuses the data) serves nothing and loses nothing; the fix serves the data', async () => {
    project()
    const first = await start()
    await client(first.dev.url!).mutation(api.notes.add, { body: 'kept' })
    await stop(first.dev)

    const schema = join(work!, 'convex', 'schema.ts')
    const good = readFileSync(schema, 'utf8')
    writeFileSync(schema, good.replace('body: v.string()', 'body: v.number()'))
    const failed = await start({ watch: true })
    expect(failed.dev.url).toBeUndefined()
    expect(failed.lines.find(l => l.level === 'error')!.line).toMatch(/does not accept the existing document/)
    const fixed = failed.dev.nextDeploy()
    writeFileSync(schema, good)
    expect(await fixed).toBe('deployed')
    expect((await client(failed.dev.url!).query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['kept'])
    await stop(failed.dev)

    // And once more after a start that failed and was closed without a fix.
    writeFileSync(schema, good.replace('body: v.string()', 'body: v.number()'))
    await stop((await start()).dev)
    writeFileSync(schema, good)
    const last = await start()
    expect((await client(last.dev.url!).query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['kept'])
  }, 180_000)

  it('logs the writes that are not a client\'s mutation as they happen: HTTP actions, stored files, scheduled functions, actions\' runMutation', async () => {
    project()
    const { dev } = await start()
    const c = client(dev.url!)
    expect((await fetch(`${dev.siteUrl}/upload?name=a.txt`, { method: 'POST', body: 'file body' })).status).toBe(200)
    expect((await fetch(`${dev.siteUrl}/hooks/x`, { method: 'POST', body: 'from a webhook' })).status).toBe(201)
    await c.mutation(api.ticks.later, { job: 'scheduled', delayMs: 0 })
    await c.mutation(api.ticks.laterSlowly, { job: 'from an action' })
    // Read from the disk while dev still runs: each is in the log, not waiting for a save on close.
    const onDisk = async () => {
      for (let i = 0; ; i++) {
        const documents = (readStoredData('.vueuse-convex', work!)?.components['']?.documents ?? []) as any[]
        const found = {
          upload: documents.find(d => d.name === 'a.txt'),
          file: documents.find(d => String(d._id).endsWith('_storage')),
          hook: documents.find(d => d.body === 'hook /hooks/x: from a webhook'),
          ticks: documents.filter(d => String(d._id).endsWith('ticks')).map(d => d.job).sort(),
        }
        if ((found.upload && found.hook && found.ticks.includes('scheduled') && found.ticks.includes('from an action')) || i > 100)
          return found
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    }
    const found = await onDisk()
    expect(found.upload.storageId).toBe(found.file._id)
    expect(found.hook).toBeDefined()
    // (crons.ts's jobs write ticks too, and are logged as well)
    expect(found.ticks).toEqual(expect.arrayContaining(['from an action', 'scheduled']))
    const files = readStoredData('.vueuse-convex', work!)!.components[''].files
    expect(Buffer.from(files[found.file._id].base64, 'base64').toString()).toBe('file body')
  }, 120_000)

  it('reads the data.json of earlier versions into the new store, once', async () => {
    project()
    mkdirSync(join(work!, '.vueuse-convex'))
    writeFileSync(join(work!, '.vueuse-convex', 'data.json'), legacyData([{ _id: '10000notes', _creationTime: 1, body: 'from 0.x' }]))
    const { dev, lines } = await start()
    expect(lines[0].line).toMatch(/Read \.vueuse-convex[/\\]data\.json \(the previous format\) into it/)
    const c = client(dev.url!)
    expect((await c.query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['from 0.x'])
    const id = await c.mutation(api.notes.add, { body: 'new' })
    expect(id).not.toBe('10000notes')
    await stop(dev)
    const again = await start()
    expect((await client(again.dev.url!).query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['from 0.x', 'new'])
  }, 120_000)
})
