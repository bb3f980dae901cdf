// The useConvexAction seed's client-side examples as pasted (packages/nuxt/test/seed-app, each
// example verbatim in a page of its own: seed.test.ts), built and type-checked by `npm run
// build:playground`, served by the app's own Nitro server against its convex/ folder on the
// in-memory backend: each page renders on the server and its example runs in Chromium.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fileURLToPath } from 'node:url'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { anyApi } from 'convex/server'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { launchChromium } from '../../../docs/e2e/chromium'
import { startNitro } from './helpers'
import schema from './seed-app/convex/schema'

const server = fileURLToPath(new URL('./seed-app/.output/server/index.mjs', import.meta.url))
const modules = import.meta.glob(['./seed-app/convex/**/*.*s', '!**/*.d.ts'])
// The seed-app's functions, untyped here: its generated types reach the seed's convex/actions.ts
// example, which the repository's stricter settings refuse (seed-app/convex/tsconfig.json checks it).
const api = anyApi

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let nitro: Awaited<ReturnType<typeof startNitro>>
let browser: Browser
let context: BrowserContext | undefined
/**
 * Page errors (uncaught exceptions and unhandled rejections) and console errors and warnings,
 * except the line Convex's own client logs for each failed call (`[CONVEX A(…)] … Server Error`).
 */
let logged: string[] = []

beforeAll(async () => {
  convex = createTestConvex({ schema, modules })
  backend = await serveTestConvex(convex.backend)
  nitro = await startNitro(server, backend.url)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  nitro?.process.kill()
  await backend?.close()
  await convex?.close()
})

afterEach(async () => {
  await context?.close()
  context = undefined
})

async function open(path: string): Promise<Page> {
  logged = []
  context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', e => logged.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.text().startsWith('[CONVEX '))
      return
    if (m.type() === 'error' || m.type() === 'warning' || /hydration/i.test(m.text()))
      logged.push(`console.${m.type()}: ${m.text()}`)
  })
  await page.goto(nitro.url + path)
  // Hydrated: the page's handlers are attached.
  await page.waitForFunction(() => (document.querySelector('#__nuxt') as any)?.__vue_app__?.$nuxt?.isHydrating === false)
  return page
}

/** The calls of the seed's actions that reached the backend, with their arguments. */
const calls = () => convex.client.query(api.calls.list, {})
const text = (page: Page, id: string) => page.getByTestId(id).textContent()

describe('the useConvexAction seed\'s examples, as pasted into Nuxt pages', () => {
  it('renders every page on the server, the top-level await of the TypeScript example included', async () => {
    for (const path of ['/action', '/basic-action', '/with-status-tracking', '/payment-processing', '/ai-integration', '/file-processing', '/error-handling', '/typescript']) {
      const response = await fetch(nitro.url + path)
      expect(response.status, path).toBe(200)
      expect(await response.text(), path).not.toMatch(/is not defined/)
    }
    const html = await (await fetch(`${nitro.url}/typescript`)).text()
    expect(html).toContain('An answer to &quot;Hello&quot;. (4 tokens)')
  })

  it('parameters: runs api.ai.generateSummary, imported from ~~/convex/_generated/api', async () => {
    const page = await open('/action')
    await page.getByTestId('run').click()
    await vi.waitFor(async () => expect(await text(page, 'result')).toBe('Summary: A long article about'))
    expect(logged).toEqual([])
  })

  it('basic action: sends the email', async () => {
    const page = await open('/basic-action')
    await page.getByTestId('run').click()
    await vi.waitFor(async () => expect(await calls()).toContainEqual({ name: 'email.send', args: { to: 'user@example.com', subject: 'Hello', body: 'Welcome!' } }))
    await vi.waitFor(async () => expect(await text(page, 'state')).toBe('idle'))
    expect(await page.getByTestId('error').count()).toBe(0)
    expect(logged).toEqual([])
  })

  it('with status tracking: shows the result, then the error, through data and error', async () => {
    const page = await open('/with-status-tracking')
    await page.locator('textarea').fill('Hi')
    await page.getByRole('button').click()
    await vi.waitFor(async () => expect(await page.textContent('body')).toContain('An answer to \\"Hi\\".'))
    expect(logged).toEqual([])
    // A failure: shown through `error`. Its template calls `execute`, whose rejection Vue reports
    // as it reports any rejected promise of an event handler: one console.error, no uncaught error.
    await page.locator('textarea').fill('')
    await page.getByRole('button').click()
    await vi.waitFor(async () => expect(await page.textContent('body')).toContain('Error: Write a prompt first.'))
    await vi.waitFor(() => expect(logged).toHaveLength(1))
    expect(logged[0]).toMatch(/^console\.error: ConvexError: [\s\S]*Write a prompt first\./)
  })

  it('payment processing: pays with the page\'s selectedMethod, then navigates to the confirmation', async () => {
    const page = await open('/payment-processing')
    await page.getByTestId('run').click()
    await page.waitForURL(/\/order-confirmation$/)
    expect(await text(page, 'confirmation')).toContain('Thank you')
    expect(await calls()).toContainEqual({ name: 'payments.process', args: { amount: 2999, paymentMethodId: 'pm_card_visa' } })
    expect(logged).toEqual([])
  })

  it('AI integration: the summary lands in data', async () => {
    const page = await open('/ai-integration')
    await page.getByTestId('run').click()
    await vi.waitFor(async () => expect(await text(page, 'data')).toBe('Summary of article article-1'))
    expect(logged).toEqual([])
  })

  it('file processing: processes a stored file by its Id<\'_storage\'>', async () => {
    const uploadUrl = await convex.client.mutation(api.files.generateUploadUrl, {})
    const { storageId } = await (await fetch(uploadUrl, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(8) })).json() as { storageId: string }
    const page = await open(`/file-processing?storageId=${storageId}`)
    await page.getByTestId('run').click()
    await vi.waitFor(async () => expect(await calls()).toContainEqual({ name: 'files.processImage', args: { storageId } }))
    await vi.waitFor(async () => expect(await text(page, 'state')).toBe('idle'))
    expect(logged).toEqual([])
  })

  it('error handling: a declined payment reaches the catch block and the page\'s showError', async () => {
    const page = await open('/error-handling')
    await page.getByTestId('run').click()
    await vi.waitFor(async () => expect(await text(page, 'shown')).toBe('Your card was declined'))
    expect(await text(page, 'error')).toContain('insufficient_funds')
    expect(logged).toEqual([])
  })

  it('typeScript: hydrates the result of the top-level await with no warning', async () => {
    const page = await open('/typescript')
    expect(await text(page, 'result')).toBe('An answer to "Hello". (4 tokens)')
    await vi.waitFor(async () => expect(await text(page, 'data')).toBe('An answer to "Hello".'))
    expect(logged).toEqual([])
  })
})
