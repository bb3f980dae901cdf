// The real Vue Devtools panel (vite-plugin-vue-devtools, in the page) on a plain Vue app
// (./devtools-app): the Convex inspector and timeline show what the app holds and does.
// Photographs the panel for the docs (docs/guide/devtools-*.png, see saveScreenshot).
import type { Browser, Frame, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { createServer } from 'vite'
import VueDevTools from 'vite-plugin-vue-devtools'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convexTestingBrowser } from '../../packages/testing/vite'
import { launchChromium } from './chromium'
import { saveScreenshot, visibleText } from './page'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))

let server: ViteDevServer
let browser: Browser
let page: Page
let panel: Frame
const problems: string[] = []

beforeAll(async () => {
  server = await createServer({
    root: r('./devtools-app'),
    configFile: false,
    logLevel: 'error',
    cacheDir: r('../../node_modules/.vite/devtools-e2e'),
    plugins: [vue(), VueDevTools(), convexTestingBrowser()],
    resolve: {
      alias: {
        '@vueuse-convex/core': r('../../packages/core/index.ts'),
        '@vueuse-convex/testing': r('../../packages/testing/index.ts'),
      },
    },
    server: { host: '127.0.0.1', port: 0, fs: { allow: [r('../..')] } },
  })
  await server.listen()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const photograph = (name: string) => saveScreenshot(`devtools-${name}.png`, path => page.locator('.vue-devtools-frame').screenshot({ path }))
const text = () => visibleText(panel)
/** A row of the inspector's tree, by its label. */
const row = (label: string) => panel.locator('div.group').filter({ has: panel.getByText(label, { exact: true }) })

describe('the Convex panel in Vue Devtools', () => {
  it('opens from the devtools\' sidebar in a plain Vue app', async () => {
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } })
    page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
    await page.goto(server.resolvedUrls!.local[0])
    await expect.poll(async () => (await page.getByTestId('count').textContent())?.trim(), { timeout: 20_000 })
      .toBe('6 messages, counter 0, 2 in the list (CanLoadMore)')
    // Open the devtools panel, then its "Convex" inspector (added by createConvexVue's plugin).
    await page.getByTitle('Toggle Vue DevTools').click()
    await expect.poll(() => page.frames().find(f => f.url().includes('/__devtools__/')), { timeout: 20_000 }).toBeTruthy()
    panel = page.frames().find(f => f.url().includes('/__devtools__/'))!
    await panel.locator('a[href="/custom-inspector-tab-view/vueuse-convex"]').click()
    await expect.poll(text).toContain('Auth')
  }, 180_000) // a fresh clone's first start optimises the devtools' dependencies

  it('lists the live queries, the paginated list, auth and connection', async () => {
    // The panel fills its tree a few seconds after it opens.
    await expect.poll(text, { timeout: 20_000 }).toContain('Live queries (3)')
    expect(await text()).toContain('Paginated lists (1)')
    await row('Connection').click()
    await expect.poll(text).toContain('isWebSocketConnected')
    await row('Live queries (3)').locator('i').first().click() // expands
    await row('Paginated lists (1)').locator('i').first().click()
    await expect.poll(text).toMatch(/messages:list\s+1 using\s*live\s+counter:get\s+1 using\s*live\s+messages:page\s+1 using\s*live\s+Cached, not in use \(0\)\s+Paginated lists \(1\)\s+messages:page\s+CanLoadMore/)
  })

  it('shows a query\'s function, arguments, consumers and last value', async () => {
    await row('messages:list').click()
    await expect.poll(text).toContain('consumers')
    const state = await text()
    expect(state).toMatch(/function\s*:\s*messages:list/)
    expect(state).toMatch(/consumers\s*:\s*1/)
    expect(state).toMatch(/updates\s*:\s*[1-9]/)
    expect(state).toMatch(/value\s*:\s*Array\[6\]/)
    await panel.getByText('value', { exact: true }).click() // unfolds the query's value
    await expect.poll(text).toMatch(/5\s*:\s*Object/)
    await panel.getByText('5', { exact: true }).click() // and its newest message
    await expect.poll(text).toMatch(/body\s*:\s*message\s6/) // the panel renders spaces as no-break spaces
    await photograph('inspector')
  })

  it('shows a paginated list\'s status and pages', async () => {
    await row('messages:page').last().click() // the list; the first is its page's query
    await expect.poll(text).toContain('page 1')
    expect(await text()).toMatch(/status\s*:\s*CanLoadMore/)
  })

  it('puts every call on the timeline with its outcome', async () => {
    await panel.getByText('Timeline', { exact: true }).click()
    await panel.locator('.recording-btn').click() // devtools record only once asked to
    await page.getByTestId('send').click()
    await expect.poll(async () => (await page.getByTestId('count').textContent())?.trim()).toContain('7 messages')
    await page.getByTestId('generate').click()
    await expect.poll(text, { timeout: 10_000 }).toContain('ai:generate')
    const timeline = await text()
    expect(timeline).toContain('messages:send')
    expect(timeline).toContain('useConvexMutation · success')
    expect(timeline).toContain('useConvexAction · success')
    await panel.getByText('messages:send').first().click()
    await expect.poll(text).toMatch(/outcome\s*:\s*success/)
    await photograph('timeline')
  })

  it('raised no page error', () => {
    expect(problems).toEqual([])
  })
})
