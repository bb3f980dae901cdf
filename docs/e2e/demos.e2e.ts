// Drives the built docs in Debian's Chromium, as a user would: every demo, its happy
// path and its error path, with no page error and no console error allowed.
import type { Browser, Page } from 'playwright-core'
import { Buffer } from 'node:buffer'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vitepress'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import functions from '../functions.json'
import { launchChromium } from './chromium'
import { serveStatic } from './server'

const dist = fileURLToPath(new URL('../../.vitepress/dist', import.meta.url))

let browser: Browser
let server: Awaited<ReturnType<typeof serveStatic>>
let page: Page
let problems: string[]

beforeAll(async () => {
  if (!existsSync(dist))
    throw new Error('No built docs: run `npm run docs:build` first (npm run test:browser does).')
  server = await serveStatic(dist)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(path: string) {
  page = await browser.newPage()
  problems = []
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error')
      problems.push(`console.error: ${m.text()}`)
  })
  await page.goto(server.url + path)
  return page
}

afterEach(async () => {
  await page?.close()
  expect(problems).toEqual([])
})

const status = (id: string) => page.getByTestId(id)

describe('useConvexAction demo', () => {
  it('goes idle → pending → success, with the button disabled meanwhile', async () => {
    await open('/core/useConvexAction')
    const ai = page.getByTestId('ai')
    await expect.poll(() => status('ai-status').textContent()).toBe('idle')
    await ai.getByLabel('Prompt').fill('How do live queries work')
    await ai.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => status('ai-status').textContent()).toBe('pending')
    expect(await ai.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true)
    await expect.poll(() => status('ai-status').textContent(), { timeout: 10_000 }).toBe('success')
    expect(await page.getByTestId('ai-result').textContent()).toContain('How do live queries work')
    expect(await ai.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true)
  })

  it('shows the server error for an empty prompt, and reset returns to idle', async () => {
    await open('/core/useConvexAction')
    const ai = page.getByTestId('ai')
    await ai.getByLabel('Prompt').fill('')
    await ai.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => status('ai-status').textContent(), { timeout: 10_000 }).toBe('error')
    expect(await page.getByTestId('ai-error').textContent()).toContain('Write a prompt first.')
    await ai.getByRole('button', { name: 'Reset' }).click()
    expect(await status('ai-status').textContent()).toBe('idle')
    expect(await page.getByTestId('ai-error').count()).toBe(0)
  })

  it('declines a card with the ConvexError data, then charges a working one', async () => {
    await open('/core/useConvexAction')
    const payment = page.getByTestId('payment')
    await payment.getByLabel('Card').selectOption('pm_card_declined')
    await payment.getByRole('button', { name: 'Pay $29.99' }).click()
    expect(await payment.getByRole('button', { name: 'Paying…' }).isDisabled()).toBe(true)
    await expect.poll(() => status('payment-status').textContent(), { timeout: 10_000 }).toBe('error')
    expect(await page.getByTestId('payment-error').textContent()).toContain('Declined: card_declined')
    await payment.getByLabel('Card').selectOption('pm_card_visa')
    await payment.getByRole('button', { name: 'Pay $29.99' }).click()
    await expect.poll(() => status('payment-status').textContent(), { timeout: 10_000 }).toBe('success')
    expect(await page.getByTestId('payment-error').count()).toBe(0)
    expect(await page.getByTestId('payment-result').textContent()).toContain('Paid, charge ch_0001')
  })
})

describe('useConvexClient demo', () => {
  it('calls an action on the raw client over the in-page WebSocket', async () => {
    await open('/core/useConvexClient')
    await page.getByTestId('ask').click()
    await expect.poll(() => page.getByTestId('client-result').textContent(), { timeout: 10_000 })
      .toBe('model: in-memory-model-1, WebSocket connected: true')
  })
})

describe('useConvexQuery demo', () => {
  it('shows a posted message live, and goes idle when skipped', async () => {
    await open('/core/useConvexQuery')
    await expect.poll(() => status('query-status').textContent(), { timeout: 10_000 }).toBe('success')
    await page.getByLabel('Message').fill('hello from the browser')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => page.getByTestId('messages').textContent(), { timeout: 10_000 }).toContain('you: hello from the browser')
    await page.getByTestId('pause').check()
    expect(await status('query-status').textContent()).toBe('idle')
    await page.getByTestId('pause').uncheck()
    await expect.poll(() => page.getByTestId('messages').textContent(), { timeout: 10_000 }).toContain('hello from the browser')
  })
})

describe('useConvexMutation demo', () => {
  it('shows the optimistic count before the server answers', async () => {
    await open('/core/useConvexMutation')
    await expect.poll(() => page.getByTestId('count').textContent(), { timeout: 10_000 }).toBe('0')
    await page.getByTestId('increment').click()
    expect(await status('mutation-status').textContent()).toBe('pending')
    expect(await page.getByTestId('count').textContent()).toBe('1')
    await expect.poll(() => status('mutation-status').textContent(), { timeout: 10_000 }).toBe('success')
    expect(await page.getByTestId('count').textContent()).toBe('1')
  })
})

describe('useConvexPaginatedQuery demo', () => {
  it('loads pages on demand until exhausted, and the first page stays live', async () => {
    await open('/core/useConvexPaginatedQuery')
    const items = page.getByTestId('pages').locator('li')
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toBe('CanLoadMore')
    expect(await items.count()).toBe(3)
    await page.getByTestId('more').click()
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(6)
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toBe('CanLoadMore')
    await page.getByTestId('more').click()
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toBe('Exhausted')
    expect(await items.count()).toBe(8)
    expect(await items.last().textContent()).toContain('message 1')
    await page.getByTestId('add').click()
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(9)
    expect(await items.first().textContent()).toContain('new at')
  })

  it('shows a failing page as an error, keeps the items, and recovers on the next change', async () => {
    await open('/core/useConvexPaginatedQuery')
    const items = page.getByTestId('pages').locator('li')
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toBe('CanLoadMore')
    await page.getByTestId('fail').click()
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toBe('Error')
    expect(await page.getByTestId('pages-error').textContent()).toContain('The page could not be loaded')
    expect(await items.count()).toBeGreaterThanOrEqual(3)
    await page.getByTestId('add').click()
    await expect.poll(() => status('pages-status').textContent(), { timeout: 10_000 }).toMatch(/CanLoadMore|Exhausted/)
    expect(await page.getByTestId('pages-error').count()).toBe(0)
  })
})

describe('useConvexQueries demo', () => {
  it('subscribes each key on its own: add, update and remove counters', async () => {
    await open('/core/useConvexQueries')
    const apples = page.getByTestId('counter-apples').locator('code')
    await expect.poll(() => apples.textContent(), { timeout: 10_000 }).toBe('0')
    await page.getByTestId('counter-apples').getByRole('button', { name: '+1' }).click()
    await expect.poll(() => apples.textContent(), { timeout: 10_000 }).toBe('1')
    expect(await page.getByTestId('counter-pears').locator('code').textContent()).toBe('0')
    await page.getByTestId('add-counter').click()
    await expect.poll(() => page.getByTestId('counter-plums').locator('code').textContent(), { timeout: 10_000 }).toBe('0')
    await page.getByTestId('counter-pears').getByRole('button', { name: 'remove' }).click()
    await expect.poll(() => page.getByTestId('counter-pears').count()).toBe(0)
  })
})

describe('prefetchConvexQuery demo', () => {
  const firstRender = () => page.getByTestId('first-render').textContent()
  const count = () => page.getByTestId('count').textContent()

  it('a tab that comes back renders from the cache; without gcTime it loads again', async () => {
    await open('/core/prefetchConvexQuery')
    await expect.poll(count, { timeout: 10_000 }).toBe('0')
    await page.getByTestId('increment').click()
    await expect.poll(count, { timeout: 10_000 }).toBe('1')
    await page.getByTestId('tab-pears').click()
    expect(await firstRender()).toBe('loading')
    await expect.poll(count, { timeout: 10_000 }).toBe('0')
    await page.getByTestId('tab-apples').click()
    expect(await firstRender()).toBe('from the cache')
    expect(await count()).toBe('1')
    // Without gcTime a tab that comes back loads again (the tab shown takes its kept query
    // over and ends it when it goes).
    await page.getByTestId('keep').uncheck()
    await page.getByTestId('tab-pears').click()
    await page.getByTestId('tab-apples').click()
    expect(await firstRender()).toBe('loading')
  })

  it('a reload renders the persisted count in its first frame, then the live one', async () => {
    await open('/core/createConvexPersister')
    // Every value the count and its source show, from the first frame of each page load on.
    await page.addInitScript(() => {
      const seen: string[] = ((window as any).__persistedFrames = [])
      new MutationObserver(() => {
        const count = document.querySelector('[data-testid="persisted-count"]')?.textContent
        const source = document.querySelector('[data-testid="persisted-source"]')?.textContent
        if (count && source && seen.at(-1) !== `${count}/${source}`)
          seen.push(`${count}/${source}`)
      }).observe(document, { subtree: true, childList: true, characterData: true })
    })
    const shown = () => page.getByTestId('persisted-count').textContent()
    await expect.poll(shown, { timeout: 10_000 }).toBe('0')
    await page.getByTestId('persisted-increment').click()
    await expect.poll(shown, { timeout: 10_000 }).toBe('1')
    await page.getByTestId('persisted-increment').click()
    await expect.poll(shown, { timeout: 10_000 }).toBe('2')
    await page.waitForTimeout(600) // written (throttled) to IndexedDB
    await page.getByTestId('persisted-reload').click()
    await page.waitForLoadState('load')
    // The page's in-memory backend starts empty: the live count is 0 again.
    await expect.poll(() => page.evaluate(() => (window as any).__persistedFrames.at(-1)), { timeout: 10_000 }).toBe('0/live')
    const frames = await page.evaluate(() => (window as any).__persistedFrames as string[])
    expect(frames[0]).toBe('2/persisted')
  })

  it('hovering a tab prefetches it', async () => {
    await open('/core/prefetchConvexQuery')
    await page.getByTestId('keep').uncheck()
    await page.getByTestId('prefetch').check()
    await expect.poll(count, { timeout: 10_000 }).toBe('0')
    await page.getByTestId('tab-plums').hover()
    await page.waitForTimeout(300)
    await page.getByTestId('tab-plums').click()
    expect(await firstRender()).toBe('from the cache')
  })
})

describe('defineConvexLoader demo', () => {
  const count = () => page.getByTestId('count').textContent()

  it('each page of the demo\'s router renders with its data, loaded before the navigation, and stays live', async () => {
    await open('/core/defineConvexLoader')
    await expect.poll(count, { timeout: 10_000 }).toMatch(/^\d+$/)
    expect(await page.getByTestId('first-render').textContent()).toBe('with data')
    const before = Number(await count())
    await page.getByTestId('increment').click()
    await expect.poll(count, { timeout: 10_000 }).toBe(String(before + 1))
    await page.getByTestId('tab-plums').click()
    await expect.poll(() => page.getByTestId('route').textContent(), { timeout: 10_000 }).toBe('/fruit/plums')
    expect(await page.getByTestId('first-render').textContent()).toBe('with data')
    expect(await count()).toMatch(/^\d+$/)
  })
})

describe('useConvexUpload demo', () => {
  // A 1×1 PNG, repeated past its end so the upload takes several progress steps.
  const png = Buffer.concat([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'), Buffer.alloc(400_000)])

  it('uploads an image with progress, saves it and shows it from its storage URL', async () => {
    await open('/core/useConvexUpload')
    // The demo is rendered (hydrated) before the observer looks for its progress bar.
    await page.locator('progress').waitFor()
    const seen: string[] = []
    await page.exposeFunction('recordProgress', (value: string) => seen.push(value))
    await page.evaluate(() => {
      const bar = document.querySelector('progress')!
      new MutationObserver(() => (window as any).recordProgress(String(bar.value))).observe(bar, { attributes: true })
    })
    await page.getByTestId('file').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png })
    await expect.poll(() => status('upload-status').textContent(), { timeout: 10_000 }).toBe('success')
    expect(seen.filter(v => Number(v) > 0 && Number(v) < 1).length).toBeGreaterThan(1)
    const image = page.getByTestId('stored-image').first()
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(1)
    expect(await page.locator('figcaption').first().textContent()).toBe('dot.png')
  })

  it('aborts an upload: an AbortError, and nothing is saved', async () => {
    await open('/core/useConvexUpload')
    await page.locator('progress').waitFor()
    await page.evaluate(() => {
      const bar = document.querySelector('progress')!
      new MutationObserver(() => {
        if (bar.value > 0 && bar.value < 1)
          document.querySelector<HTMLButtonElement>('[data-testid="abort"]')!.click()
      }).observe(bar, { attributes: true })
    })
    const before = await page.locator('figure').count()
    await page.getByTestId('file').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: png })
    await expect.poll(() => status('upload-status').textContent(), { timeout: 10_000 }).toBe('error')
    expect(await status('upload-error').textContent()).toContain('AbortError')
    expect(await page.locator('figure').count()).toBe(before)
  })
})

describe('useConvexConnectionState demo', () => {
  it('shows the connection drop and the reconnect', async () => {
    await open('/core/useConvexConnectionState')
    await expect.poll(() => page.getByTestId('connected').textContent(), { timeout: 10_000 }).toBe('true')
    await page.getByTestId('slow').click()
    await expect.poll(() => page.getByTestId('inflight').textContent()).toBe('1')
    await expect.poll(() => page.getByTestId('inflight').textContent(), { timeout: 10_000 }).toBe('0')
    await page.getByTestId('offline').click()
    await expect.poll(() => page.getByTestId('connected').textContent()).toBe('false')
    await page.getByTestId('online').click()
    await expect.poll(() => page.getByTestId('connected').textContent(), { timeout: 15_000 }).toBe('true')
  })
})

describe('useConvexAuth demo', () => {
  it('signs in and out, and the server sees the user', async () => {
    await open('/core/useConvexAuth')
    await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 10_000 }).toBe('signed out')
    await page.getByTestId('sign-in').click()
    // <AuthLoading> while the provider (and then the server) decides, <Authenticated> after.
    await expect.poll(() => page.getByTestId('auth-loading').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => page.getByTestId('authenticated').textContent(), { timeout: 10_000 }).toBe('true')
    expect(await page.getByTestId('sign-in').count()).toBe(0)
    await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 10_000 }).toBe('Ada Lovelace')
    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 10_000 }).toBe('signed out')
    expect(await page.getByTestId('sign-out').count()).toBe(0)
  })
})

describe('useConvexAuthActions demo', () => {
  // Convex Auth 2's username + password method on a backend in the page: its functions read the
  // deployment's CONVEX_CLOUD_URL in process.env, which the page's build must leave to the backend.
  it('signs up, out and in again, and shows the method\'s error for a wrong password', async () => {
    await open('/core/useConvexAuthActions')
    const viewer = page.getByTestId('viewer')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => viewer.count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(() => viewer.textContent(), { timeout: 10_000 }).toBe('ada')
    expect(await page.locator('p', { hasText: 'Signed in as' }).count()).toBe(1)
    expect(await page.getByTestId('failure').count()).toBe(0)

    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('sign-in').count(), { timeout: 10_000 }).toBe(1)
    expect(await viewer.count()).toBe(0)

    await page.getByTestId('sign-in').click()
    await expect.poll(() => viewer.textContent(), { timeout: 20_000 }).toBe('ada')
    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('sign-in').count(), { timeout: 10_000 }).toBe(1)

    await page.getByTestId('password').fill('wrong password!')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('failure').textContent(), { timeout: 20_000 }).toBe('INVALID_CREDENTIALS')
    expect(await viewer.count()).toBe(0)
    expect(await page.getByRole('alert').count()).toBe(0)
  })
})

describe('convexAuthVite demo', () => {
  // Convex Auth's own server handlers, run in the page against a backend in the page, with a
  // cookie jar standing for the browser's httpOnly cookies.
  it('signs up through the server routes: the refresh token is in the server\'s httpOnly cookies, nowhere page JavaScript reads', async () => {
    await open('/core/convexAuthVite')
    const viewer = page.getByTestId('viewer')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => viewer.textContent(), { timeout: 20_000 }).toBe('ada')
    expect(await page.getByTestId('jar').textContent()).toContain('__convexAuthRefreshToken')
    expect(await page.getByTestId('readable').textContent()).toBe('nowhere')
    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('sign-in').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.getByTestId('jar').textContent()).not.toContain('__convexAuthRefreshToken')
  })
})

describe('every page', () => {
  const pages = ['/', '/guide/', '/guide/error-handling', '/guide/typescript', '/guide/ssr', '/guide/nuxt', '/guide/testing', '/guide/reliability', '/guide/performance', ...functions.flatMap(p => p.functions.map(f => `/${p.package.split('/')[1]}/${f.name}`))]
  it.each(pages)('%s renders without errors', async (path) => {
    await open(path)
    await page.waitForLoadState('networkidle')
    expect(await page.locator('h1').count()).toBeGreaterThan(0)
  })
})

describe('npm run dev', () => {
  it('serves working demos from source, with no deployment', async () => {
    const dev = await createServer(fileURLToPath(new URL('../..', import.meta.url)), { port: 0, host: '127.0.0.1', logLevel: 'silent' } as any)
    await dev.listen()
    try {
      const address = dev.httpServer!.address() as { port: number }
      const base = `http://127.0.0.1:${address.port}`
      page = await browser.newPage()
      problems = []
      page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
      await page.goto(`${base}/core/useConvexAction`)
      const ai = page.getByTestId('ai')
      await ai.getByRole('button', { name: 'Generate' }).click({ timeout: 20_000 })
      await expect.poll(() => status('ai-status').textContent(), { timeout: 15_000 }).toBe('success')
      const payment = page.getByTestId('payment')
      await payment.getByRole('button', { name: 'Pay $29.99' }).click()
      await expect.poll(() => status('payment-status').textContent(), { timeout: 10_000 }).toBe('success')
    }
    finally {
      await dev.close()
    }
  }, 60_000)
})
