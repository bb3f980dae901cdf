import type { Buffer } from 'node:buffer'
// The Nuxt playground (packages/nuxt/playground), built by `npm run test:browser`, served by
// its own Nitro server against the docs' functions on the in-memory backend, driven by Chromium.
import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { createTestConvex, createTestToken } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, modules, schema } from '../../../docs/backend'
import { launchChromium } from '../../../docs/e2e/chromium'
import { saveScreenshot } from '../../../docs/e2e/page'
import { freePort } from './helpers'

const server = fileURLToPath(new URL('../playground/.output/server/index.mjs', import.meta.url))

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let nitro: ChildProcess
let appUrl: string
let browser: Browser
let context: BrowserContext | undefined
let problems: string[] = []

beforeAll(async () => {
  if (!existsSync(server))
    throw new Error('No built playground: run `npm run test:browser`, which builds it (nuxi build packages/nuxt/playground).')
  convex = createTestConvex({ schema, modules })
  backend = await serveTestConvex(convex.backend)
  await convex.client.mutation(api.counter.increment, { name: 'nuxt' })
  for (const body of ['one', 'two', 'three'])
    await convex.client.mutation(api.messages.send, { author: 'ada', body })
  const port = await freePort()
  appUrl = `http://127.0.0.1:${port}`
  nitro = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NITRO_HOST: '127.0.0.1', NUXT_PUBLIC_CONVEX_URL: backend.url, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk
  }
  nitro.stdout!.on('data', collect)
  nitro.stderr!.on('data', collect)
  await vi.waitFor(async () => {
    if (nitro.exitCode !== null)
      throw new Error(`The playground's server exited:\n${output}`)
    expect(await fetch(appUrl).then(r => r.status, () => 0)).toBe(200)
  }, { timeout: 20_000, interval: 100 })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  nitro?.kill()
  await backend?.close()
  await convex?.close()
})

afterEach(async () => {
  await context?.close()
  context = undefined
  expect(problems).toEqual([])
})

/**
 * Opens the page in a fresh browser context, recording every value the status and auth
 * elements ever show (a MutationObserver installed before any script), every console message
 * of Vue's, and every page error.
 */
async function open(cookies: Array<{ name: string, value: string }> = []): Promise<Page> {
  problems = []
  context = await browser.newContext()
  if (cookies.length)
    await context.addCookies(cookies.map(c => ({ ...c, url: appUrl })))
  const page = await context.newPage()
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning' || /hydration/i.test(m.text()))
      problems.push(`console.${m.type()}: ${m.text()}`)
  })
  await page.addInitScript(() => {
    const seen: Record<string, string[]> = {}
    ;(window as any).__seen = seen
    const record = () => {
      for (const el of document.querySelectorAll('[data-testid]')) {
        const id = el.getAttribute('data-testid')!
        const text = el.textContent!.trim()
        const list = seen[id] ??= []
        if (list.at(-1) !== text)
          list.push(text)
      }
    }
    new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true })
    document.addEventListener('DOMContentLoaded', record)
  })
  await page.goto(appUrl)
  return page
}

const seen = (page: Page): Promise<Record<string, string[]>> => page.evaluate(() => (window as any).__seen)

describe('the Nuxt module (playground)', () => {
  it('renders the query\'s data and the first page on the server, over HTTP only', async () => {
    const connections = convex.backend.connectionCount
    const html = await (await fetch(appUrl)).text()
    expect(html).toMatch(/data-testid="counter">1</)
    expect(html).toMatch(/data-testid="status">success</)
    expect(html).toMatch(/data-testid="messages-status">CanLoadMore</)
    expect(html).toContain('ada: three')
    expect(html).toContain('ada: two')
    expect(html).not.toContain('ada: one') // two items in the first page
    expect(html).toMatch(/data-testid="auth">\s*signed out/)
    // The results travel in the Nuxt payload for hydration.
    expect(html).toContain('vueuseConvex')
    expect(convex.backend.connectionCount).toBe(connections) // the server opened no WebSocket
  })

  it('hydrates with no warning and no flash, then goes live', async () => {
    const page = await open()
    await expect.poll(() => convex.backend.connectionCount).toBeGreaterThan(0)
    await expect.poll(async () => (await seen(page)).status).toEqual(['success'])
    const first = await seen(page)
    expect(first.counter).toEqual(['1'])
    expect(first['messages-status']).toEqual(['CanLoadMore'])
    expect(first.auth).toEqual(['signed out'])
    // Live after hydration: a write elsewhere, and the page's own button.
    await convex.client.mutation(api.counter.increment, { name: 'nuxt' })
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('2')
    await page.getByTestId('increment').click()
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('3')
    await convex.client.mutation(api.messages.send, { author: 'bo', body: 'four' })
    await expect.poll(() => page.getByTestId('messages').textContent()).toContain('bo: four')
    expect((await seen(page)).status).toEqual(['success'])
  })

  it('renders a signed-in page signed in on the server, and it stays so in the browser', async () => {
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    const html = await (await fetch(appUrl, { headers: { cookie: `convex-token=${token}` } })).text()
    expect(html).toMatch(/data-testid="auth">\s*signed in as <span data-testid="me">Grace</)
    const page = await open([{ name: 'convex-token', value: token }])
    await expect.poll(() => page.getByTestId('me').textContent()).toBe('Grace')
    await page.waitForTimeout(300) // the browser's token confirmed meanwhile
    const shown = await seen(page)
    expect(shown.auth).toEqual(['signed in as Grace'])
    expect(shown.status).toEqual(['success'])
    await saveScreenshot('nuxt-playground.png', path => page.screenshot({ path, clip: { x: 0, y: 0, width: 480, height: 240 } }))
  })
})
