/**
 * The first hour, as a newcomer lives it: an empty folder, the packed packages, and the commands
 * and files of the Getting started page (docs/guide/index.md) run as written, in order — the
 * installs (our packages from their tarballs, everything else from the registry), codegen, the
 * local backend (`npx vueuse-convex dev`), a production build with the newest Vite 8 and with
 * Vite 7, each served by `vite preview` and checked in Chromium (a message sent in one tab appears
 * live in another, with no error in either), and the component test (`npx vitest run`).
 *
 * A `sh` block fenced `sh no-run` is not run (it needs an account); `mkdir`/`cd` lines are the
 * temporary folder itself; `npx vite` (the dev server) is where the builds are checked instead.
 * CI runs it: `npm run test:first-hour`.
 */
import type { ChildProcess } from 'node:child_process'
import type { Browser } from 'playwright-core'
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { launchChromium } from '../docs/e2e/chromium'
import { root } from './packages'

/** ANSI colour codes (ESC [ … m). */
const COLOUR_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

type Step = { kind: 'file', path: string, content: string } | { kind: 'sh', line: string }

/** The page's steps in order, up to the section about deploying to Convex. */
export function gettingStartedSteps(markdown: string): Step[] {
  const steps: Step[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## When the app outgrows'))
      break
    const fence = /^```(\w+)(?: (.*))?$/.exec(lines[i])
    if (!fence)
      continue
    const end = lines.indexOf('```', i + 1)
    const body = lines.slice(i + 1, end)
    const title = /^\[(.+)\]$/.exec(fence[2] ?? '')?.[1]
    if (title)
      steps.push({ kind: 'file', path: title, content: `${body.join('\n')}\n` })
    else if (fence[1] === 'sh' && !fence[2]?.includes('no-run'))
      body.filter(line => line.trim() && !line.startsWith('#')).forEach(line => steps.push({ kind: 'sh', line: line.trim() }))
    i = end
  }
  return steps
}

const work = mkdtempSync(join(tmpdir(), 'vueuse-convex-first-hour-'))
const app = join(work, 'my-app')
const quiet = ['--no-audit', '--no-fund', '--loglevel=error']
const children: ChildProcess[] = []
let browser: Browser | undefined

function sh(line: string, cwd = app) {
  process.stdout.write(`$ ${line}\n`)
  execFileSync('sh', ['-c', line], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } })
}

/** Starts a long-running command; resolves once its output matches `ready`. */
function start(command: string, args: string[], ready: RegExp): Promise<string> {
  process.stdout.write(`$ npx ${command} ${args.join(' ')} &\n`)
  // What npx runs, started directly: stopping it then stops the command itself, not npx alone.
  const child = spawn(join(app, 'node_modules/.bin', command), args, { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not get ready in 60 s:\n${output}`)), 60_000)
    const read = (chunk: Uint8Array) => {
      // Without colour codes (CI=true turns them on in Vite's output).
      output += String(chunk).replace(COLOUR_CODES, '')
      const match = ready.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1] ?? output)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.on('exit', code => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready:\n${output}`)))
  })
}

/** Stops a command started by {@link start} (its whole process group) and waits for it to exit. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid!, 'SIGTERM')
  }
  catch {}
  return exited
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const installedVersion = (name: string) => JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version as string

/** Builds with the installed Vite, serves the build and checks a live query across two tabs. */
async function buildServeAndCheck(label: string) {
  const version = installedVersion('vite')
  process.stdout.write(`\n— ${label}: Vite ${version}\n`)
  sh('npx vite build --logLevel warn')
  const port = await freePort()
  const preview = start('vite', ['preview', '--port', String(port), '--strictPort'], /(http:\/\/localhost:\d+)/)
  await preview
  const url = `http://localhost:${port}/`
  browser ??= await launchChromium()
  const context = await browser.newContext()
  const problems: string[] = []
  const [first, second] = [await context.newPage(), await context.newPage()]
  for (const page of [first, second]) {
    page.on('pageerror', e => problems.push(`page error: ${e.message}`))
    // A failed request is reported with its URL below; the browser's own request for a favicon the page never named is not the app's.
    page.on('console', m => (m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource') ? problems.push(`console ${m.type()}: ${m.text()}`) : undefined)
    page.on('response', r => r.status() >= 400 && !r.url().endsWith('/favicon.ico') ? problems.push(`${r.status()} for ${r.url()}`) : undefined)
    await page.goto(url)
  }
  const text = `hello from Vite ${version}`
  await first.getByPlaceholder('Say something').fill(text)
  await first.getByRole('button', { name: 'Send' }).click()
  // The other tab has no part in the write: only the live query can bring it there.
  await second.getByText(text).waitFor({ timeout: 15_000 })
  await first.getByText(text).waitFor({ timeout: 15_000 })
  await context.close()
  await stop(children.at(-1)!)
  if (problems.length)
    throw new Error(`${label}: the page reported\n${problems.join('\n')}`)
  process.stdout.write(`ok   ${label}: a message sent in one tab appeared live in the other (Vite ${version})\n`)
}

try {
  const started = Date.now()
  execFileSync('npm', ['run', 'build', '-w', '@vueuse-convex/core', '-w', '@vueuse-convex/testing'], { cwd: root, stdio: 'ignore' })
  execFileSync('npm', ['pack', '-w', '@vueuse-convex/core', '-w', '@vueuse-convex/testing', '--pack-destination', work, ...quiet], { cwd: root, stdio: 'ignore' })
  const tarball = (name: string) => join(work, readdirSync(work).find(f => f.startsWith(`vueuse-convex-${name}-`) && f.endsWith('.tgz'))!)
  const steps = gettingStartedSteps(readFileSync(join(root, 'docs/guide/index.md'), 'utf8'))
  mkdirSync(app)
  for (const step of steps) {
    if (step.kind === 'file') {
      mkdirSync(dirname(join(app, step.path)), { recursive: true })
      writeFileSync(join(app, step.path), step.content)
      process.stdout.write(`wrote ${step.path}\n`)
      continue
    }
    const { line } = step
    if (/^(?:mkdir|cd) /.test(line))
      continue
    if (line.startsWith('npm install')) {
      sh(`${line.replace(/@vueuse-convex\/(core|testing)\b/g, (_, name: string) => tarball(name))} ${quiet.join(' ')}`)
    }
    else if (line === 'npx vueuse-convex dev') {
      process.stdout.write(`  local backend at ${await start('vueuse-convex', ['dev'], /VITE_CONVEX_URL=(\S+)/)}\n`)
    }
    else if (line === 'npx vite') {
      if (!installedVersion('vite').startsWith('8.'))
        throw new Error(`npm installed Vite ${installedVersion('vite')} as the newest: update this script's Vite 8 and Vite 7 checks`)
      await buildServeAndCheck('newest Vite 8')
      sh(`npm install -D vite@7 ${quiet.join(' ')}`)
      await buildServeAndCheck('Vite 7')
    }
    else {
      sh(line)
    }
  }
  process.stdout.write(`\nfirst hour: every step of the Getting started page ran as written, in ${Math.round((Date.now() - started) / 1000)} s\n`)
}
catch (error) {
  process.stderr.write(`\nFAIL first hour: ${(error as Error).message}\nThe folder is kept for a look: ${work}\n`)
  process.exitCode = 1
}
finally {
  await browser?.close()
  await Promise.all(children.map(stop))
  if (!process.exitCode)
    rmSync(work, { recursive: true, force: true, maxRetries: 5 })
}
