// @vitest-environment node
// The local backend's docs page (docs/guide/local-backend.md) runs as written: every `sh` line of
// it, in order, in a project of the test app — `npx vueuse-convex` being this repository's CLI
// (from source) — except those that need what CI has not: `npm install` (the packages are this
// repository's) and `npx convex …` (a Convex account). A block fenced `sh no-run` holds only such
// lines. What the commands print and leave is checked against what the page says they do.
import type { ChildProcess } from 'node:child_process'
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { ConvexClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { unzipSync } from 'fflate'
import { afterAll, expect, it } from 'vitest'
import { startDevBackend } from '../dev'

const root = resolve(import.meta.dirname, '../../..')
const page = readFileSync(join(root, 'docs/guide/local-backend.md'), 'utf8')
const cli = join(root, 'packages/testing/cli-bin.ts')
const api = anyApi as any

interface Block { fence: string, lines: string[] }

/** The page's `sh` blocks, each line without its comment. */
function shBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```sh(.*)$/.exec(lines[i])
    if (!fence)
      continue
    const end = lines.indexOf('```', i + 1)
    const body = lines.slice(i + 1, end).map(line => line.replace(/\s+#.*$/, '').trim()).filter(line => line && !line.startsWith('#'))
    blocks.push({ fence: fence[1].trim(), lines: body })
    i = end
  }
  return blocks
}

/** Why a line is not run here, or `undefined` when it is. */
function skipped(line: string): string | undefined {
  if (line.startsWith('npm install'))
    return 'the packages are this repository\'s'
  if (line.startsWith('npx convex '))
    return 'needs a Convex account'
}

let work: string | undefined
const children: ChildProcess[] = []
afterAll(() => {
  children.forEach(child => child.kill('SIGKILL'))
  if (work)
    rmSync(work, { recursive: true, force: true })
})

/** `npx vueuse-convex <args>` from source, in the project; its standard output and error. */
function run(args: string[]): { out: string, err: string } {
  const result = { out: '', err: '' }
  try {
    result.out = execFileSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  }
  catch (e) {
    const { stdout, stderr, status } = e as { stdout: string, stderr: string, status: number }
    throw new Error(`npx vueuse-convex ${args.join(' ')} exited ${status}:\n${stdout}${stderr}`)
  }
  return result
}

/** Starts `npx vueuse-convex dev <args>`; resolves with what it printed once it serves, and a stop. */
function startDev(args: string[]): Promise<{ output: string, url: string, stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'dev', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  children.push(child)
  let output = ''
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev did not serve in 60 s:\n${output}`)), 60_000)
    const read = (chunk: Uint8Array) => {
      output += String(chunk)
      if (/Ctrl\+C to stop/.test(output)) {
        clearTimeout(timer)
        resolve({
          output,
          url: /VITE_CONVEX_URL=(\S+)/.exec(output)![1],
          stop: () => {
            child.kill('SIGINT')
            return exited
          },
        })
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', code => reject(new Error(`dev exited (${code}) before serving:\n${output}`)))
  })
}

it('runs the local backend page\'s commands as written, and they do what it says', async () => {
  work = mkdtempSync(join(root, 'node_modules', '.local-backend-docs-'))
  cpSync(join(import.meta.dirname, 'app/convex'), join(work, 'convex'), { recursive: true })
  const blocks = shBlocks(page)
  // A block fenced `no-run` holds only lines that cannot run here: the fence tells the truth.
  for (const block of blocks.filter(b => b.fence.includes('no-run')))
    expect(block.lines.filter(line => !skipped(line)), `a no-run block: ${block.lines.join('; ')}`).toEqual([])

  const ran: string[] = []
  let zip: string | undefined
  for (const line of blocks.flatMap(b => b.lines)) {
    if (skipped(line))
      continue
    const words = line.split(/\s+/)
    expect(words.slice(0, 2), line).toEqual(['npx', 'vueuse-convex'])
    const [command, ...args] = words.slice(2)
    ran.push(line)
    if (command === 'dev') {
      // Any free port (the suite runs beside other servers), otherwise as written.
      const dev = await startDev([...args, '--port', '0', '--site-port', '0'])
      // It prints what the page shows, but for the ports.
      const shown = /```sh\nnpm install[\s\S]*?```\n\n```txt\n([\s\S]*?)```/.exec(page)![1]
      for (const expected of shown.trim().split('\n'))
        expect(dev.output.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')).toContain(expected.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'))
      // Some data for the export and import below.
      const client = new ConvexClient(dev.url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })
      await client.mutation(api.notes.add, { body: 'kept in the snapshot' })
      await client.close()
      await dev.stop()
    }
    else if (command === 'env') {
      if (args.includes('--env-file'))
        writeFileSync(join(work, args[args.indexOf('--env-file') + 1]), 'FROM_THE_FILE=yes\n')
      const { out } = run([command, ...args])
      if (args[0] === 'get')
        expect(out).toBe('re_123\n')
      if (args[0] === 'list')
        expect(out).toBe('FROM_THE_FILE=yes\nRESEND_API_KEY=re_123\n')
    }
    else if (command === 'export') {
      zip = args[args.indexOf('--path') + 1]
      run([command, ...args])
      const entries = unzipSync(readFileSync(join(work, zip)))
      expect(Object.keys(entries)).toContain('_tables/documents.jsonl')
      expect(new TextDecoder().decode(entries['notes/documents.jsonl'])).toContain('kept in the snapshot')
      // A write after the export, which the import below replaces.
      const dev = await startDevBackend({ cwd: work, port: 0, sitePort: 0, watch: false, codegen: false, typecheck: 'disable', log: () => {} })
      await dev.backend!.run(ctx => ctx.db.insert('notes', { body: 'written after the export' }))
      await dev.close()
    }
    else if (command === 'import') {
      expect(args[0]).toBe(zip)
      run([command, ...args])
      const dev = await startDevBackend({ cwd: work, port: 0, sitePort: 0, watch: false, codegen: false, typecheck: 'disable', log: () => {} })
      const notes = await dev.backend!.run(ctx => ctx.db.query('notes').collect()) as Array<{ body: string }>
      const bodies = notes.map(note => note.body)
      await dev.close()
      expect(bodies).toEqual(['kept in the snapshot'])
      // What was there is moved aside, not deleted.
      expect(readdirSync(join(work, '.vueuse-convex')).filter(name => name.startsWith('reset-'))).toHaveLength(1)
    }
    else {
      run([command, ...args])
    }
  }
  // Every command the page teaches was run.
  expect(ran.map(line => line.split(/\s+/).slice(2, 4).join(' '))).toEqual(expect.arrayContaining(['dev', 'env set', 'env get', 'env list', 'env remove', 'export --path', 'import snapshot.zip']))
}, 240_000)
