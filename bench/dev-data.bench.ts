// @vitest-environment node
// `npm run bench`, the local backend's data: what making every acknowledged write durable costs
// (`vueuse-convex dev` against `--no-data`, interleaved in one run), and how long a start takes
// with 100,000 documents. Writes bench/results-dev.json; fails when a goal is missed.
import type { DevBackend } from '../packages/testing/dev'
import { Buffer } from 'node:buffer'
import { closeSync, cpSync, existsSync, fdatasyncSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { expect, it } from 'vitest'
import { startDevBackend } from '../packages/testing/dev'

const root = process.cwd() // npm run bench runs from the repository root
const api = anyApi as any
const now = () => performance.now()
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

interface Row { figure: string, value: string, unit: string, goal: string, runs: string }
const table: Row[] = []
const results: Record<string, unknown> = {}

/** A project with the test app's convex/ (its _generated/ included), inside the repository for node_modules. */
function project(): string {
  const dir = mkdtempSync(join(root, 'node_modules', '.bench-dev-'))
  cpSync(join(root, 'packages/testing/test/app/convex'), join(dir, 'convex'), { recursive: true })
  return dir
}

const start = (cwd: string, dataFile: string | false) => startDevBackend({ cwd, port: 0, sitePort: 0, watch: false, codegen: false, typecheck: 'disable', dataFile, log: () => {} })

/** Inserts `n` notes in transactions of 5,000 (as an import would). */
async function seed(dev: DevBackend, n: number) {
  for (let done = 0; done < n; done += 5000) {
    await dev.backend!.run(async (ctx) => {
      for (let i = done; i < Math.min(n, done + 5000); i++) await ctx.db.insert('notes', { body: `seeded note ${i}` })
    })
  }
}

/** ms per acknowledged mutation, `n` in a row, each awaited (the client's promise: response and transition). */
async function latency(client: ConvexClient, n: number) {
  const t = now()
  for (let i = 0; i < n; i++) await client.mutation(api.notes.add, { body: `bench ${i}` })
  return (now() - t) / n
}

/** Waits until the log written while seeding is folded into the snapshot (in the background): steady state. */
async function compacted(dir: string) {
  const folder = join(dir, '.vueuse-convex')
  while (existsSync(join(folder, 'snapshot.jsonl.tmp')) || readdirSync(folder).filter(name => name.endsWith('.wal')).length > 1)
    await new Promise(resolve => setTimeout(resolve, 50))
}

/**
 * This machine's floor under a durable acknowledgement: the median write + fdatasync of one
 * record of a log's size into a file beside the data, each after an idle millisecond (as
 * between awaited mutations: a disk flushes a lone write slower than back-to-back ones).
 */
async function flushFloor(dir: string, n = 200): Promise<number> {
  const file = join(dir, 'flush-floor.bin')
  const fd = openSync(file, 'wx')
  try {
    writeSync(fd, Buffer.alloc(1024 * 1024))
    fdatasyncSync(fd)
    const record = Buffer.alloc(230, 1)
    const times: number[] = []
    for (let i = 0; i < n; i++) {
      await new Promise(resolve => setTimeout(resolve, 1))
      const t = now()
      writeSync(fd, record, 0, record.length, i * record.length)
      fdatasyncSync(fd)
      times.push(now() - t)
    }
    return median(times)
  }
  finally {
    closeSync(fd)
    rmSync(file)
  }
}

const clientOf = (url: string) => new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })

it('the local backend\'s data: durable acknowledgements and start-up', async () => {
  const started = now()
  const ROUNDS = 21
  const N = 100
  const dirs: string[] = []
  try {
    for (const documents of [1_000, 100_000]) {
      const durableDir = project()
      const memoryDir = project()
      dirs.push(durableDir, memoryDir)
      const durable = await start(durableDir, '.vueuse-convex')
      const memory = await start(memoryDir, false)
      await seed(durable, documents)
      await seed(memory, documents)
      await compacted(durableDir)
      const a = clientOf(memory.url!)
      const b = clientOf(durable.url!)
      await latency(a, N)
      await latency(b, N) // warm-up
      const ratios: number[] = []
      const durableMs: number[] = []
      const memoryMs: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating which goes first cancels drift.
        const first = round % 2 ? await latency(a, N) : await latency(b, N)
        const second = round % 2 ? await latency(b, N) : await latency(a, N)
        const [ta, tb] = round % 2 ? [first, second] : [second, first]
        memoryMs.push(ta)
        durableMs.push(tb)
        ratios.push(tb / ta)
      }
      const ratio = median(ratios)
      const label = documents.toLocaleString('en-US')
      // What no store can go below here: the in-memory path plus one flush of the disk.
      const flushMs = await flushFloor(durableDir)
      const floor = (median(memoryMs) + flushMs) / median(memoryMs)
      results[`latency${documents}`] = { ratio, durableMs: median(durableMs), memoryMs: median(memoryMs), flushMs, floor }
      table.push({ figure: `dev: acknowledged mutation, durable vs --no-data, ${label} documents`, value: ratio.toFixed(3), unit: `median round ratio (${median(durableMs).toFixed(2)} vs ${median(memoryMs).toFixed(2)} ms)`, goal: '≤ 1.5', runs: `${ROUNDS} rounds × ${N} mutations` })
      table.push({ figure: `  the floor here: (--no-data + one write and fdatasync) / --no-data`, value: floor.toFixed(3), unit: `ratio (fdatasync of a record: ${flushMs.toFixed(2)} ms)`, goal: 'context', runs: '200 flushes, median' })
      await Promise.all([a.close(), b.close()])
      await memory.close()
      await durable.close()

      if (documents === 100_000) {
        // Start-up from the snapshot and the log the run above left, then from a snapshot only.
        const times: number[] = []
        for (let i = 0; i < 3; i++) {
          const t = now()
          const again = await start(durableDir, '.vueuse-convex')
          times.push(now() - t)
          await again.close()
        }
        const empty = project()
        dirs.push(empty)
        const emptyTimes: number[] = []
        for (let i = 0; i < 3; i++) {
          const t = now()
          const fresh = await start(empty, false)
          emptyTimes.push(now() - t)
          await fresh.close()
        }
        results.startup100000 = { ms: median(times), emptyMs: median(emptyTimes) }
        table.push({ figure: 'dev: start-up with 100,000 documents (read, recover, import, serve)', value: String(Math.round(median(times))), unit: `ms (no data: ${Math.round(median(emptyTimes))} ms)`, goal: '≤ 5,000', runs: '3 starts, median' })
      }
    }
  }
  finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
  results.machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}`, date: new Date().toISOString(), seconds: Math.round((now() - started) / 1000) }
  results.units = {
    'latency*.floor': 'what no store that acknowledges after fsync can beat on this machine: (--no-data ms + the median write and fdatasync of one 230-byte record, each after an idle millisecond) / --no-data ms',
    'latency*.ratio': 'median over interleaved rounds of (ms per acknowledged mutation with the data on disk / with --no-data), 100 awaited ConvexClient mutations in a row per round, over a real WebSocket, the database holding that many documents',
    'startup100000.ms': 'ms from startDevBackend() to serving, with 100,000 documents in the data folder (snapshot and log), functions already bundled once by esbuild',
  }
  if (!process.env.BENCH_ONLY)
    writeFileSync(join(root, 'bench/results-dev.json'), `${JSON.stringify(results, null, 2)}\n`)
  const widths = [70, 8, 40, 10, 24]
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' ')
  process.stdout.write(`\n${[line(['figure', 'value', 'unit', 'goal', 'runs']), ...table.map(r => line([r.figure, r.value, r.unit, r.goal, r.runs]))].join('\n')}\n`)
  // The goals, written beside each figure: the bench fails when one is missed.
  expect((results.latency1000 as { ratio: number }).ratio).toBeLessThanOrEqual(1.5)
  expect((results.latency100000 as { ratio: number }).ratio).toBeLessThanOrEqual(1.5)
  expect((results.startup100000 as { ms: number }).ms).toBeLessThanOrEqual(5000)
})
