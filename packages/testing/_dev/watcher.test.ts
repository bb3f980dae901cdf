// @vitest-environment node
// The watcher of `vueuse-convex dev` on its own: every way an editor or a shell changes the
// functions folder is reported, once per burst, within 2 s, and scratch files are not.
import type { Changes, Watcher } from './watcher'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeChanges, watchFunctions } from './watcher'

let cwd: string
let dir: string
let watcher: Watcher | undefined
let bursts: Changes[]
let notify: (() => void) | undefined

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'vueuse-convex-watch-'))
  dir = join(cwd, 'convex')
  mkdirSync(join(dir, '_generated'), { recursive: true })
  writeFileSync(join(dir, 'notes.ts'), 'export const a = 1\n')
  bursts = []
})

afterEach(async () => {
  await watcher?.close()
  watcher = undefined
  rmSync(cwd, { recursive: true, force: true })
})

async function watching(files?: string[]) {
  watcher = watchFunctions({ dir, cwd, files, onChange: (changes) => {
    bursts.push(changes)
    notify?.()
  } })
  await watcher.ready
}

/** The next burst, which must come within 2 s of `change` (the acceptance bound). */
async function burstAfter(change: () => void): Promise<Record<string, string>> {
  const count = bursts.length
  const arrived = new Promise<void>(resolve => notify = () => bursts.length > count && resolve())
  const start = performance.now()
  change()
  await arrived
  expect(performance.now() - start).toBeLessThan(2000)
  return Object.fromEntries(bursts.at(-1)!)
}

describe('the dev watcher', () => {
  it('reports saves in place and saves by rename, every time', async () => {
    await watching()
    const file = join(dir, 'notes.ts')
    for (let i = 0; i < 3; i++) {
      expect(await burstAfter(() => {
        writeFileSync(`${file}.tmp`, `export const a = ${i}\n`)
        renameSync(`${file}.tmp`, file)
      })).toEqual({ 'convex/notes.ts': 'changed' })
      expect(await burstAfter(() => writeFileSync(file, `export const b = ${i}\n`))).toEqual({ 'convex/notes.ts': 'changed' })
    }
  })

  it('reports sed -i edits', async () => {
    await watching()
    const file = join(dir, 'notes.ts')
    for (const n of [2, 3]) {
      expect(await burstAfter(() => execFileSync('sed', ['-i', `s/= [0-9]/= ${n}/`, file]))).toEqual({ 'convex/notes.ts': 'changed' })
    }
  })

  it('reports deletes, new folders with files and removed folders', async () => {
    await watching()
    expect(await burstAfter(() => rmSync(join(dir, 'notes.ts')))).toEqual({ 'convex/notes.ts': 'removed' })
    expect(await burstAfter(() => {
      mkdirSync(join(dir, 'admin/reports'), { recursive: true })
      writeFileSync(join(dir, 'admin/reports/daily.ts'), 'export {}\n')
    })).toEqual({ 'convex/admin/reports/daily.ts': 'added' })
    expect(await burstAfter(() => writeFileSync(join(dir, 'admin/reports/daily.ts'), 'export const x = 1\n'))).toEqual({ 'convex/admin/reports/daily.ts': 'changed' })
    const removed = await burstAfter(() => rmSync(join(dir, 'admin'), { recursive: true }))
    expect(Object.keys(removed)).toContain('convex/admin/reports/daily.ts')
    expect(Object.values(removed).every(change => change === 'removed')).toBe(true)
  })

  it('reports a burst of changes once, and leaves out _generated, dot files and scratch files', async () => {
    await watching()
    const changes = await burstAfter(() => {
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, `m${i}.ts`), 'export {}\n')
      writeFileSync(join(dir, '_generated/api.js'), 'export {}\n')
      writeFileSync(join(dir, '.notes.ts.swp'), 'x')
      writeFileSync(join(dir, '4913'), '')
      writeFileSync(join(dir, 'notes.ts~'), 'x')
    })
    expect(changes).toEqual(Object.fromEntries([0, 1, 2, 3, 4].map(i => [`convex/m${i}.ts`, 'added'])))
    expect(bursts).toHaveLength(1)
  })

  it('watches extra files (the environment), also when they do not exist yet, and says what changed in words', async () => {
    const env = join(cwd, '.vueuse-convex', 'env.json')
    mkdirSync(join(cwd, '.vueuse-convex'))
    await watching([env])
    expect(await burstAfter(() => writeFileSync(env, '{}'))).toEqual({ '.vueuse-convex/env.json': 'added' })
    expect(await burstAfter(() => writeFileSync(env, '{"A":"1"}'))).toEqual({ '.vueuse-convex/env.json': 'changed' })
    expect(await burstAfter(() => writeFileSync(join(dir, 'notes.ts'), 'export const b = 2\n'))).toEqual({ 'convex/notes.ts': 'changed' })
    // Other files beside it are not the environment.
    writeFileSync(join(cwd, '.vueuse-convex', 'data.log'), 'x')
    expect(await burstAfter(() => writeFileSync(join(dir, 'notes.ts'), 'export const b = 3\n'))).toEqual({ 'convex/notes.ts': 'changed' })
    expect(describeChanges(new Map([['convex/a.ts', 'changed'], ['convex/b.ts', 'added']]))).toBe('convex/a.ts changed, convex/b.ts added')
    expect(describeChanges(new Map(Array.from({ length: 7 }, (_, i) => [`m${i}.ts`, 'removed'])), 2)).toBe('m0.ts removed, m1.ts removed and 5 more')
  })
})
