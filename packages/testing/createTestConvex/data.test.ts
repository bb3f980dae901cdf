// A backend's data outlives its functions: exported and imported whole (the local backend keeps
// it on disk), and kept when new functions are deployed over it, as on a deployment.
import type { TestConvex } from '.'
import { ConvexHttpClient } from 'convex/browser'
import { defineSchema, defineTable, queryGeneric } from 'convex/server'
import { v } from 'convex/values'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/app'

const open: TestConvex[] = []
function start(options: Partial<Parameters<typeof createTestConvex>[0]> = {}) {
  const convex = createTestConvex({ schema, modules, crons: false, ...options })
  open.push(convex)
  return convex
}
afterEach(async () => {
  for (const convex of open.splice(0)) {
    await convex.close()
    expect(convex.backend.internalErrors).toEqual([])
  }
})

async function upload(convex: TestConvex, text: string) {
  const url = await convex.client.mutation(api.files.generateUploadUrl, {})
  const { storageId } = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text })).json()
  await convex.client.mutation(api.files.save, { storageId, name: `${text}.txt` })
}

describe('exportData / importData', () => {
  it('moves documents with their ids and creation times, and files with their bytes, to another backend', async () => {
    const a = start()
    const first = await a.client.mutation(api.notes.add, { body: 'one' })
    await a.client.mutation(api.notes.add, { body: 'two' })
    await upload(a, 'hello')
    const data = await a.backend.exportData()
    expect(JSON.parse(JSON.stringify(data))).toEqual(data)

    const b = start()
    b.backend.importData(data)
    expect(await b.client.query(api.notes.list, {})).toEqual(await a.client.query(api.notes.list, {}))
    const [file] = await b.client.query(api.files.list, {})
    expect(file.name).toBe('hello.txt')
    expect(await (await fetch(file.url!)).text()).toBe('hello')
    // New documents continue the id sequence instead of reusing an imported id.
    const third = await b.client.mutation(api.notes.add, { body: 'three' })
    expect(third).not.toBe(first)
    expect((await b.client.query(api.notes.list, {})).map(n => n.body)).toEqual(['one', 'two', 'three'])
  })

  it('updates live queries with the imported data', async () => {
    const a = start()
    await a.client.mutation(api.notes.add, { body: 'kept' })
    const b = start()
    const seen: string[][] = []
    const stop = b.client.onUpdate(api.notes.list, {}, notes => seen.push(notes.map(n => n.body)))
    await b.flush()
    b.backend.importData(await a.backend.exportData())
    await b.flush()
    stop()
    expect(seen.at(-1)).toEqual(['kept'])
  })

  it('refuses data the schema does not accept, and changes nothing', async () => {
    const a = start({ schema: undefined })
    await a.backend.run(ctx => ctx.db.insert('notes', { body: 42 }))
    const b = start()
    await b.client.mutation(api.notes.add, { body: 'mine' })
    expect(() => b.backend.importData({ format: 'nope' } as any)).toThrow(/exportData\(\)/)
    const data = await a.backend.exportData()
    expect(() => b.backend.importData(data)).toThrow(/schema does not accept the existing document .* of table "notes"/)
    expect((await b.client.query(api.notes.list, {})).map(n => n.body)).toEqual(['mine'])
  })
})

describe('deploy', () => {
  const shouting = {
    ...modules,
    './convex/notes.ts': async () => ({
      ...(await modules['./convex/notes.ts']() as object),
      list: queryGeneric({ args: {}, handler: async ctx => (await ctx.db.query('notes').collect()).map(n => ({ ...n, body: n.body.toUpperCase() })) }),
    }),
  }

  it('runs the new functions over the same data, and connected clients see their queries re-run', async () => {
    const convex = start()
    await convex.client.mutation(api.notes.add, { body: 'quiet' })
    const seen: string[] = []
    const stop = convex.client.onUpdate(api.notes.list, {}, notes => seen.push(notes.map(n => n.body).join()))
    await convex.flush()
    const connections = convex.backend.stats.connectionsOpened
    await convex.backend.deploy({ schema, modules: shouting })
    await convex.flush()
    expect(seen).toEqual(['quiet', 'QUIET'])
    // The new functions write to the same tables.
    await convex.client.mutation(api.notes.add, { body: 'more' })
    await convex.flush()
    expect(seen.at(-1)).toBe('QUIET,MORE')
    stop()
    expect(convex.backend.stats.connectionsOpened).toBe(connections)
  })

  it('is refused when the existing data does not match the new schema, keeping the old functions', async () => {
    const convex = start()
    await convex.client.mutation(api.notes.add, { body: 'no title' })
    const stricter = defineSchema({ ...schema.tables, notes: defineTable({ body: v.string(), title: v.string() }) })
    await expect(convex.backend.deploy({ schema: stricter, modules: shouting })).rejects.toThrow(/schema does not accept .*notes/)
    expect((await convex.client.query(api.notes.list, {})).map(n => n.body)).toEqual(['no title'])
  })

  it('says what to pass when the modules lack convex/_generated', async () => {
    const convex = start()
    const withoutGenerated = Object.fromEntries(Object.entries(modules).filter(([path]) => !path.includes('_generated')))
    await expect(convex.backend.deploy({ schema, modules: withoutGenerated })).rejects.toThrow(/no convex\/_generated\/ file/)
  })
})

describe('durable writes (the hooks `vueuse-convex dev` keeps its data with)', () => {
  it('shows a write to other clients, and acknowledges it, only once beforePublish and beforeAcknowledge resolve', async () => {
    let release!: () => void
    let gate: Promise<void> | undefined
    const kept = () => gate ?? Promise.resolve()
    const commits: string[] = []
    const convex = start({
      onCommit: commit => commits.push(...commit.documents.map(([id]) => id)),
      beforeAcknowledge: kept,
      beforePublish: kept,
    })
    const watcher = convex.createClient()
    const seen: number[] = []
    watcher.onUpdate(api.notes.list, {}, notes => seen.push(notes.length))
    await vi.waitFor(() => expect(seen).toEqual([0]))

    // The disk is slow: the write has committed, and is not kept yet.
    gate = new Promise(resolve => release = resolve)
    let acknowledged = false
    const added = convex.client.mutation(api.notes.add, { body: 'kept?' }).then(() => acknowledged = true)
    await vi.waitFor(() => expect(commits).toHaveLength(1))
    // Another subscription is re-run meanwhile: it must not be shown the write either.
    const late: number[] = []
    convex.createClient().onUpdate(api.notes.list, {}, notes => late.push(notes.length))
    // So must a one-shot query over the HTTP API.
    let answered: number | undefined
    void new ConvexHttpClient(convex.backend.url, { skipConvexDeploymentUrlCheck: true, logger: false }).query(api.notes.list, {}).then(notes => answered = notes.length)
    await new Promise(resolve => setTimeout(resolve, 100))
    expect({ seen, late, acknowledged, answered }).toEqual({ seen: [0], late: [], acknowledged: false, answered: undefined })

    release()
    await added
    await vi.waitFor(() => expect({ seen, late, answered }).toEqual({ seen: [0, 1], late: [1], answered: 1 }))
  })
})
