// The Nuxt playground (packages/nuxt/playground), built by `npm run test:browser`, served by
// its own Nitro server against the docs' functions on the in-memory backend, driven by Chromium.
import type { Buffer } from 'node:buffer'
import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fileURLToPath } from 'node:url'
import { createTestConvex, createTestToken } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, modules, schema } from '../../../docs/backend'
import { launchChromium } from '../../../docs/e2e/chromium'
import { saveScreenshot } from '../../../docs/e2e/page'
import { startNitro } from './helpers'

const server = fileURLToPath(new URL('../playground/.output/server/index.mjs', import.meta.url))

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let nitro: ChildProcess
let appUrl: string
let browser: Browser
let context: BrowserContext | undefined
let problems: string[] = []

beforeAll(async () => {
  convex = createTestConvex({ schema, modules })
  backend = await serveTestConvex(convex.backend)
  await convex.client.mutation(api.counter.increment, { name: 'nuxt' })
  for (const body of ['one', 'two', 'three'])
    await convex.client.mutation(api.messages.send, { author: 'ada', body })
  const started = await startNitro(server, backend.url)
  appUrl = started.url
  nitro = started.process
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
async function open(cookies: Array<{ name: string, value: string }> = [], path = '/'): Promise<Page> {
  problems = []
  context = await browser.newContext()
  if (cookies.length)
    await context.addCookies(cookies.map(c => ({ ...c, url: appUrl })))
  return openIn(context, path)
}

/** Opens `path` in another page of the current context (another tab of the same browser). */
async function openIn(context: BrowserContext, path: string): Promise<Page> {
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
      // While the server's HTML is still being parsed, an element can be in the document before
      // its text (a network chunk ends between them): that is not a frame the user sees.
      if (document.readyState === 'loading')
        return
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
  await page.goto(appUrl + path)
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

describe('a page with a data loader (defineConvexLoader)', () => {
  it('renders the loader\'s data on the server, hydrates with it (no query waited for), stays live, and loads the next page before showing it', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'loader', by: 3 })
    const html = await (await fetch(`${appUrl}/loaders/loader`)).text()
    expect(html).toMatch(/data-testid="loader-count">3</)
    const page = await open([], '/loaders/loader')
    await expect.poll(() => convex.backend.connectionCount).toBeGreaterThan(0)
    await expect.poll(() => page.getByTestId('loader-count').textContent()).toBe('3')
    await convex.client.mutation(api.counter.increment, { name: 'loader' })
    await expect.poll(() => page.getByTestId('loader-count').textContent()).toBe('4')
    await page.getByTestId('loader-other').click()
    await expect.poll(() => page.url()).toBe(`${appUrl}/loaders/other`)
    await expect.poll(() => page.getByTestId('loader-count').textContent()).toBe('0')
    const shown = await seen(page)
    // Never empty, never a loading first render: on the server, at hydration, after the navigation.
    expect(shown['loader-count']).toEqual(['3', '4', '0'])
    expect(shown['loader-first-render']).toEqual(['with data'])
  })
})

describe('Convex from the playground\'s server routes', () => {
  it('reads as the signed-in user from the cookie the page render uses, and signed out without it', async () => {
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    const signedIn = await (await fetch(`${appUrl}/api/me`, { headers: { cookie: `convex-token=${token}` } })).json()
    expect(signedIn).toEqual({ authenticated: true, me: { subject: 'grace', name: 'Grace' } })
    const signedOut = await (await fetch(`${appUrl}/api/me`)).json()
    expect(signedOut).toEqual({ authenticated: false, me: null })
    // An Authorization header is the request's token too (an API client, a native app).
    const bearer = await (await fetch(`${appUrl}/api/me`, { headers: { authorization: `Bearer ${createTestToken({ sub: 'ada', name: 'Ada' })}` } })).json()
    expect(bearer.me).toEqual({ subject: 'ada', name: 'Ada' })
  })

  it('writes as the signed-in user, and refuses a signed-out request with a 401', async () => {
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    const post = (headers: Record<string, string>) => fetch(`${appUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ body: 'from a route' }) })
    const written = await post({ cookie: `convex-token=${token}` })
    expect(written.status).toBe(200)
    const { id } = await written.json()
    const stored = await convex.backend.run(ctx => ctx.db.get(id))
    expect(stored).toMatchObject({ author: 'Grace', body: 'from a route' })
    const refused = await post({})
    expect(refused.status).toBe(401)
    expect(JSON.stringify(await refused.json())).not.toContain('eyJ') // no token in the answer
    // An expired token is no user.
    const expired = createTestToken({ sub: 'grace', expiresIn: -60 })
    expect((await post({ cookie: `convex-token=${expired}` })).status).toBe(401)
  })

  it('turns a ConvexError into an h3 error with its data and status', async () => {
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    // auth: false calls signed out even though the request carries a token.
    const response = await fetch(`${appUrl}/api/anonymous`, { method: 'POST', headers: { cookie: `convex-token=${token}` } })
    expect(response.status).toBe(401)
    const body = await response.json()
    expect(body.data).toEqual({ code: 'unauthenticated', status: 401, message: 'Sign in to post.' })
    expect(body.message).toContain('messages:sendAsMe')
    expect(JSON.stringify(body)).not.toContain(token)
  })
})

describe('a page that needs a signed-in user', () => {
  it('redirects a signed-out request on the server, before any of the page is sent', async () => {
    const response = await fetch(`${appUrl}/account`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?redirect=/account')
    expect(await response.text()).not.toContain('data-testid="account"')
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    const signedIn = await fetch(`${appUrl}/account`, { redirect: 'manual', headers: { cookie: `convex-token=${token}` } })
    expect(signedIn.status).toBe(200)
    expect(await signedIn.text()).toMatch(/data-testid="account">\s*The account of Grace/)
  })

  it('never shows on a signed-out client navigation', async () => {
    const page = await open()
    await expect.poll(async () => (await seen(page)).status).toEqual(['success'])
    await page.getByTestId('to-account').click()
    await expect.poll(() => page.url()).toBe(`${appUrl}/login?redirect=/account`)
    await expect.poll(() => page.getByTestId('login').textContent()).toContain('/account')
    expect((await seen(page)).account).toBeUndefined() // not one frame of it
  })

  it('shows on a signed-in client navigation, and leaves when the user signs out in another tab', async () => {
    const token = createTestToken({ sub: 'grace', name: 'Grace' })
    const page = await open([{ name: 'convex-token', value: token }])
    await page.getByTestId('to-account').click()
    await expect.poll(() => page.getByTestId('account').textContent()).toContain('The account of Grace')
    const other = await openIn(context!, '/account')
    await expect.poll(() => other.getByTestId('account').textContent()).toContain('Grace')
    await other.getByTestId('sign-out').click()
    await expect.poll(() => other.url()).toBe(`${appUrl}/login?redirect=/account`)
    await expect.poll(() => page.url()).toBe(`${appUrl}/login?redirect=/account`) // the first tab too
  })
})

describe('per-query rendering options', () => {
  it('renders a client-only query pending, a fetch-once query and a failing query on the server', async () => {
    await convex.client.mutation(api.counter.increment, { name: 'client-only', by: 5 })
    await convex.client.mutation(api.counter.increment, { name: 'once', by: 7 })
    await convex.client.mutation(api.counter.increment, { name: 'flaky', by: 1 })
    const logged: string[] = []
    const listen = (chunk: Buffer) => logged.push(String(chunk))
    nitro.stderr!.on('data', listen)
    const html = await (await fetch(`${appUrl}/rendering`)).text()
    expect(html).toMatch(/data-testid="client-only">pending -1</)
    expect(html).toMatch(/data-testid="once">success 7</)
    expect(html).toMatch(/data-testid="flaky">error unavailable</)
    await vi.waitFor(() => expect(logged.join('')).toContain('reliability:failWhile'))
    nitro.stderr!.off('data', listen)
    expect(logged.join('')).not.toMatch(/eyJ/)
  })

  it('hydrates them with no warning: the client-only query loads, the fetch-once one opens no subscription, the failed one recovers live', async () => {
    // The flaky query fails while its counter is above 0.
    const flaky = await convex.client.query(api.counter.get, { name: 'flaky' })
    await convex.client.mutation(api.counter.increment, { name: 'flaky', by: 1 - flaky })
    // Every subscription the browser opens, sampled while the page loads.
    let most = 0
    const sampler = setInterval(() => {
      most = Math.max(most, convex.backend.subscriptionCount)
    }, 2)
    const page = await open([], '/rendering')
    await expect.poll(() => page.getByTestId('client-only').textContent()).toBe('success 5')
    const once = await page.getByTestId('once').textContent()
    const first = await seen(page)
    expect(first.flaky[0]).toBe('error unavailable') // the server's error, hydrated as it was
    expect(first.once).toEqual([once]) // the server's result, never refetched
    expect(first['client-only'][0]).toBe('pending -1')
    await page.waitForTimeout(200)
    clearInterval(sampler)
    // The page's two live queries (client-only and flaky); the fetch-once query opened none.
    expect(most).toBe(2)
    await convex.client.mutation(api.counter.increment, { name: 'once' })
    await convex.client.mutation(api.counter.increment, { name: 'flaky', by: -1 })
    await expect.poll(() => page.getByTestId('flaky').textContent()).toBe('success 0')
    expect(await page.getByTestId('once').textContent()).toBe(once) // not live
  })
})
