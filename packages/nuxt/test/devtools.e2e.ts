// The playground under `nuxi dev` with Nuxt DevTools on: its "Convex" tab shows the same
// inspector as Vue Devtools (live queries, paginated lists, auth, connection), live.
// Photographs it for the docs (docs/guide/devtools-nuxt.png, see saveScreenshot).
import type { ChildProcess } from 'node:child_process'
import type { Browser, Frame, Page } from 'playwright-core'
import { spawn } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, modules, schema } from '../../../docs/backend'
import { launchChromium } from '../../../docs/e2e/chromium'
import { saveScreenshot, visibleText } from '../../../docs/e2e/page'
import { freePort } from './helpers'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const nuxi = r('../../../node_modules/@nuxt/cli/bin/nuxi.mjs') // the `nuxi` of npm scripts

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let dev: ChildProcess
let appUrl: string
let browser: Browser
let page: Page
let tab: Frame
const problems: string[] = []

beforeAll(async () => {
  convex = createTestConvex({ schema, modules })
  backend = await serveTestConvex(convex.backend)
  await convex.client.mutation(api.messages.send, { author: 'ada', body: 'one' })
  const port = await freePort()
  appUrl = `http://127.0.0.1:${port}/`
  // Nuxt DevTools stays off under a test runner or CI: the dev server gets neither variable.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(?:TEST|VITEST|CI)(?:_|$)/.test(name)))
  dev = spawn(process.execPath, [nuxi, 'dev', r('../playground'), '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...env, NODE_ENV: 'development', NUXT_DEVTOOLS: '1', NUXT_PUBLIC_CONVEX_URL: backend.url },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: nuxi forks the server, and both stop together
  })
  let output = ''
  dev.stdout!.on('data', (chunk) => {
    output += chunk
  })
  dev.stderr!.on('data', (chunk) => {
    output += chunk
  })
  await vi.waitFor(async () => {
    if (dev.exitCode !== null)
      throw new Error(`nuxi dev exited:\n${output}`)
    expect(await fetch(appUrl).then(res => res.status, () => 0)).toBe(200)
  }, { timeout: 120_000, interval: 250 })
  browser = await launchChromium()
  // A fresh clone's first page load is where Vite discovers and optimizes the app's dependencies,
  // and may reload the page once (a module requested meanwhile fails to load, and Nuxt reloads):
  // that first load happens here, so the page the tests watch loads on a settled server.
  const warm = await browser.newPage()
  await warm.goto(appUrl)
  await vi.waitFor(async () => expect(await warm.getByTestId('messages-status').textContent({ timeout: 1000 }).catch(() => null)).toBe('Exhausted'), { timeout: 90_000, interval: 500 })
  await warm.close()
}, 250_000)

afterAll(async () => {
  await browser?.close()
  if (dev?.pid && dev.exitCode === null)
    process.kill(-dev.pid)
  await backend?.close()
  await convex?.close()
})

const text = visibleText

describe('the Convex tab of Nuxt DevTools', () => {
  it('is listed by Nuxt DevTools and shows the app\'s live queries and paginated list', async () => {
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    // This machine is offline: Nuxt DevTools' own icon downloads fail, and are not the app's.
    page.on('pageerror', (e) => {
      // Nuxt DevTools' client brings dependencies of its own: on a fresh clone Vite optimizes
      // them when it opens, which changes the version (`?v=`) of the dependencies already
      // optimized; a module of the old version fails to load and Vite reloads the page. That is
      // the dev server's first start, not the app.
      const reoptimized = /^Failed to fetch dynamically imported module: .*\/_nuxt\/.*\?v=[0-9a-f]+$/.test(e.message)
      if (!reoptimized && !/^\[GET\] "https:\/\/esm\.sh\/.*Failed to fetch$/.test(e.message))
        problems.push(`pageerror: ${e.message}`)
    })
    await page.goto(appUrl)
    await expect.poll(() => page.getByTestId('messages-status').textContent(), { timeout: 30_000 }).toBe('Exhausted')
    // Nuxt DevTools' shortcut, once its script in the page listens (it loads after the app).
    await page.locator('#nuxt-devtools-container').waitFor({ state: 'attached', timeout: 30_000 })
    await vi.waitFor(async () => {
      if (!page.frames().some(f => f.url().includes('/__nuxt_devtools__/client/'))) {
        await page.keyboard.press('Shift+Alt+KeyD')
        throw new Error('Nuxt DevTools did not open')
      }
    }, { timeout: 30_000, interval: 2_000 })
    const panel = page.frames().find(f => f.url().includes('/__nuxt_devtools__/client/'))!
    // A first visit shows Nuxt DevTools' welcome screen before any tab.
    const welcome = panel.getByText('Get Started')
    await welcome.waitFor({ timeout: 10_000 }).then(() => welcome.click(), () => {})
    // A tab Nuxt DevTools did not get from the module would not open its page here.
    await panel.goto(`${appUrl}__nuxt_devtools__/client/modules/custom-vueuse-convex`)
    await expect.poll(() => page.frames().some(f => f.url().endsWith('/__vueuse-convex/devtools')), { timeout: 30_000 }).toBe(true)
    tab = page.frames().find(f => f.url().endsWith('/__vueuse-convex/devtools'))!
    await expect.poll(() => text(tab), { timeout: 10_000 }).toMatch(/Live queries \(3\)\s+counter:get\s*1 using\s*live\s+messages:page\s*1 using\s*live\s+users:me\s*1 using\s*live\s+Cached, not in use \(0\)\s+Paginated lists \(1\)\s+messages:page\s*Exhausted/)
  }, 90_000)

  it('shows a query\'s state, and follows it live', async () => {
    await tab.getByRole('button', { name: 'counter:get' }).click()
    await expect.poll(() => text(tab)).toMatch(/function\s+counter:get\s+args\s+\{\s+"name": "nuxt"\s+\}\s+source\s+live\s[\s\S]*?consumers\s+1\s+value\s+0/)
    await page.getByTestId('increment').click()
    await expect.poll(() => text(tab), { timeout: 10_000 }).toMatch(/value\s+1\b/)
    await saveScreenshot('devtools-nuxt.png', path => page.screenshot({ path }))
  })

  it('shows the auth and connection state', async () => {
    await tab.getByRole('button', { name: 'Auth', exact: true }).click()
    await expect.poll(() => text(tab)).toMatch(/isAuthenticated\s+false/)
    await tab.getByRole('button', { name: 'Connection', exact: true }).click()
    await expect.poll(() => text(tab)).toMatch(/isWebSocketConnected\s+true/)
  })

  it('raised no page error', () => {
    expect(problems).toEqual([])
  })
})
