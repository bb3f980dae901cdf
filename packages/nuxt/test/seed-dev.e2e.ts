// The seed-app under `nuxi dev`, with Vite's dependency cache emptied, as on a first start: the
// first page load (a page of the app's `api` from convex/_generated, which imports
// convex/server) finds every dependency already optimized, so Vite does not reload the page.
import type { ChildProcess } from 'node:child_process'
import type { Browser } from 'playwright-core'
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { launchChromium } from '../../../docs/e2e/chromium'
import { freePort } from './helpers'
import schema from './seed-app/convex/schema'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const nuxi = r('../../../node_modules/@nuxt/cli/bin/nuxi.mjs') // the `nuxi` of npm scripts
const modules = import.meta.glob(['./seed-app/convex/**/*.*s', '!**/*.d.ts'])

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let dev: ChildProcess
let output = ''
let appUrl: string
let browser: Browser

beforeAll(async () => {
  convex = createTestConvex({ schema, modules })
  backend = await serveTestConvex(convex.backend)
  // A first start: no dependency optimized yet.
  rmSync(r('./seed-app/node_modules/.cache/vite'), { recursive: true, force: true })
  const port = await freePort()
  appUrl = `http://127.0.0.1:${port}`
  // Not as a test (consola would log only warnings): Vite's messages are what this test reads.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(?:TEST|VITEST|CI)(?:_|$)/.test(name)))
  dev = spawn(process.execPath, [nuxi, 'dev', r('./seed-app'), '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...env, NODE_ENV: 'development', NUXT_PUBLIC_CONVEX_URL: backend.url },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: nuxi forks the server, and both stop together
  })
  dev.stdout!.on('data', chunk => output += chunk)
  dev.stderr!.on('data', chunk => output += chunk)
  await vi.waitFor(async () => {
    if (dev.exitCode !== null)
      throw new Error(`nuxi dev exited:\n${output}`)
    // The server render answers (it loads no client module, so Vite has discovered nothing yet).
    expect(await fetch(appUrl).then(res => res.status, () => 0)).toBe(200)
  }, { timeout: 120_000, interval: 250 })
  browser = await launchChromium()
}, 150_000)

afterAll(async () => {
  await browser?.close()
  if (dev?.pid && dev.exitCode === null)
    process.kill(-dev.pid)
  await backend?.close()
  await convex?.close()
})

describe('nuxi dev, first start', () => {
  it('loads the first page once: Vite discovers no Convex entry and does not reload it', async () => {
    const page = await browser.newPage()
    let loads = 0
    page.on('load', () => loads++)
    await page.goto(`${appUrl}/ai-integration`, { timeout: 120_000 })
    // Hydrated and working: the example's action runs.
    await page.waitForFunction(() => (document.querySelector('#__nuxt') as any)?.__vue_app__?.$nuxt?.isHydrating === false, undefined, { timeout: 120_000 })
    await page.getByTestId('run').click()
    await expect.poll(() => page.getByTestId('data').textContent(), { timeout: 30_000 }).toBe('Summary of article article-1')
    // Give a late discovery the time to reload the page, as it would.
    await new Promise(resolve => setTimeout(resolve, 3000))
    // Vite found nothing to optimize after the start; the page loaded once (plus once per source
    // file edited meanwhile, which Vite reloads the page for: none in CI).
    const edits = output.match(/page reload /g)?.length ?? 0
    expect({ discovered: /discovered new dependencies at runtime:[\s\S]*?Pre-bundle/.exec(output)?.[0] ?? null, loads: loads - edits }).toEqual({ discovered: null, loads: 1 })
  }, 180_000)
})
