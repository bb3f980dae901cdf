// @vitest-environment node
// A soak of `vueuse-convex dev`: 50 real clients, each with a live query, send 100 mutations each
// while every connection is dropped once mid-way (the clients reconnect and replay what was in
// flight). Each mutation runs exactly once — however long each takes to reconnect, and however
// much the others hold — every client converges on its final count, and once the clients have
// left and their replay retention has passed, the server's memory is back near where it started. The server runs in a
// child process (node --expose-gc), so its RSS is its own and is measured after full collections.
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { afterAll, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const api = anyApi as any
const CLIENTS = 50
const MUTATIONS = 100
const MB = 1024 * 1024

let work: string | undefined
let child: ChildProcessWithoutNullStreams | undefined
afterAll(() => {
  child?.kill()
  if (work)
    rmSync(work, { recursive: true, force: true })
})

/** Starts the server; resolves with a function that sends a command and resolves with its answer. */
async function startServer(): Promise<{ url: string, retentionMs: number, ask: (command: string) => Promise<any> }> {
  work = mkdtempSync(join(root, 'node_modules', '.soak-'))
  cpSync(join(import.meta.dirname, 'soak/convex'), join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'soak/server.ts'), work], { cwd: root })
  const answers: Array<(message: any) => void> = []
  let buffered = ''
  let stderr = ''
  child.stderr.on('data', chunk => stderr += chunk)
  const exited = new Promise<never>((_, reject) => child!.once('exit', code => reject(new Error(`The soak server exited (${code}): ${stderr}`))))
  child.stdout.on('data', (chunk) => {
    buffered += chunk
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      if (line.startsWith('{'))
        answers.shift()?.(JSON.parse(line))
    }
  })
  const next = () => Promise.race([new Promise<any>(resolve => answers.push(resolve)), exited])
  const { url, retentionMs } = await next()
  return {
    url,
    retentionMs,
    ask: (command) => {
      const answer = next()
      child!.stdin.write(`${command}\n`)
      return answer
    },
  }
}

it('50 clients × 100 mutations with a live query each: exactly once, all converge, and memory comes back when they leave', async () => {
  const { url, retentionMs, ask } = await startServer()
  const connect = () => new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })

  // Warm-up, not counted: the modules load and the server's code is compiled on first use, once.
  const warm = Array.from({ length: 10 }, connect)
  await Promise.all(warm.map((c, i) => Promise.all(Array.from({ length: 20 }, () => c.mutation(api.soak.bump, { table: `c${i}` })))))
  await Promise.all(warm.map(c => c.close()))
  const before = await ask('rss')

  const clients = Array.from({ length: CLIENTS }, connect)
  const seen = clients.map(() => [] as number[])
  const stops = clients.map((c, i) => c.onUpdate(api.soak.count, { table: `c${i}` }, n => seen[i].push(n)))
  const sent = clients.map(async (c, i) => {
    const pending: Array<Promise<unknown>> = []
    for (let m = 0; m < MUTATIONS; m++) {
      pending.push(c.mutation(api.soak.bump, { table: `c${i}` }))
      // Spread out a little, so that the drop below finds mutations in flight.
      if (m % 10 === 9)
        await new Promise(resolve => setTimeout(resolve, 5))
    }
    return Promise.all(pending)
  })
  // Every connection drops once mid-way: in-flight mutations are replayed and must run once.
  await new Promise(resolve => setTimeout(resolve, 150))
  await ask('drop')
  await Promise.all(sent)

  // Exactly once (the first ten tables also count the warm-up's 20).
  const expected = (i: number) => MUTATIONS + (i < 10 ? 20 : 0)
  await expect.poll(() => seen.map(values => values.at(-1)), { timeout: 30_000 }).toEqual(clients.map((_, i) => expected(i)))
  for (const [i, values] of seen.entries()) {
    // A live query only ever moves forward.
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(await clients[i].query(api.soak.count, { table: `c${i}` })).toBe(expected(i))
  }

  stops.forEach(stop => stop())
  await Promise.all(clients.map(c => c.close()))
  await expect.poll(async () => (await ask('rss')).connections, { timeout: 10_000 }).toBe(0)
  // The sessions that left are remembered for their replays until their retention ends.
  await new Promise(resolve => setTimeout(resolve, retentionMs))
  const after = await ask('rss')
  expect((after.rss - before.rss) / MB, `RSS went from ${(before.rss / MB).toFixed(1)} MB to ${(after.rss / MB).toFixed(1)} MB`).toBeLessThan(20)
  await ask('stop').catch(() => {})
}, 120_000)
