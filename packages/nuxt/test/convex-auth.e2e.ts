// Convex Auth 2 in a Nuxt app (packages/nuxt/test/convex-auth-app), built by `npm run
// test:browser`, served by its own Nitro server against Convex Auth's own functions (its
// component with the username + password method, packages/testing/test/convex-auth) on the
// local backend of `npx vueuse-convex dev` (startDevBackend, on a copy of that convex/ folder),
// in Chromium. The module mounts Convex Auth's sign-in, refresh and sign-out routes; the refresh
// token lives in an httpOnly cookie.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { DevBackend } from '../../testing/dev'
import type { startNitro } from './helpers'
import { Buffer } from 'node:buffer'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../docs/e2e/chromium'
import { startDevBackend } from '../../testing/dev'
import { startNitro as start } from './helpers'

const server = fileURLToPath(new URL('./convex-auth-app/.output/server/index.mjs', import.meta.url))

let work: string
let backend: DevBackend
let nitro: Awaited<ReturnType<typeof startNitro>>
let browser: Browser

beforeAll(async () => {
  // An app folder of its own (inside the repository, for its node_modules), as a user runs dev in theirs.
  work = mkdtempSync(join(fileURLToPath(new URL('../../../node_modules/', import.meta.url)), '.convex-auth-e2e-'))
  cpSync(fileURLToPath(new URL('../../testing/test/convex-auth/convex', import.meta.url)), join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  backend = await startDevBackend({ cwd: work, port: 0, sitePort: 0, dataFile: false, watch: false, log: () => {} })
  nitro = await start(server, backend.url!) // listening (port 0 picked one)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  nitro?.process.kill()
  await backend?.close()
  if (work)
    rmSync(work, { recursive: true, force: true })
})

/** Every text the `state` element shows, recorded from before the first frame of each page load. */
async function recordStates(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as any).__states = seen
    const record = () => {
      const text = document.querySelector('[data-testid="state"]')?.textContent?.trim()
      if (text !== undefined && seen.at(-1) !== text)
        seen.push(text)
    }
    new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true })
    document.addEventListener('DOMContentLoaded', record)
  })
  return () => page.evaluate(() => (window as any).__states as string[])
}

/** A page of `context` whose errors (and hydration warnings) are collected in `problems`. */
async function openPage(context: BrowserContext, problems: string[]) {
  const page = await context.newPage()
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' || /hydration/i.test(m.text()))
      problems.push(`console.${m.type()}: ${m.text()}`)
  })
  return page
}

/** The `Cookie` header of the browser's session, as the browser sends it. */
async function cookieHeader(context: BrowserContext) {
  return (await context.cookies()).map(c => `${c.name}=${c.value}`).join('; ')
}

describe('convex Auth 2 in Nuxt (the module\'s routes, httpOnly session cookies)', () => {
  it('signs up, renders signed in on the server and in server routes, survives a reload, follows a sign-out in another tab, and refuses a wrong password', async () => {
    const context = await browser.newContext()
    const problems: string[] = []
    const page = await openPage(context, problems)
    const states = await recordStates(page)
    await page.goto(nitro.url)
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed out')

    await page.getByTestId('username').fill('ada')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed in as ada')

    // Both session cookies are httpOnly; the refresh token is nowhere page JavaScript can read.
    const cookies = await context.cookies()
    const refresh = cookies.find(c => c.name.startsWith('__convexAuthRefreshToken'))!
    const jwt = cookies.find(c => c.name.startsWith('__convexAuthJWT'))!
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Lax' })
    expect(jwt).toMatchObject({ httpOnly: true })
    const readable = await page.evaluate(() => ({ cookie: document.cookie, storage: JSON.stringify({ ...localStorage }) }))
    expect(readable.cookie).not.toContain(refresh.value)
    expect(readable.storage).not.toContain(refresh.value)
    expect(readable.storage).not.toContain('__convexAuthRefreshToken')

    // The server renders the page signed in from the cookies, with the user's own data, and so
    // do its server routes.
    const cookie = await cookieHeader(context)
    const html = await (await fetch(nitro.url, { headers: { cookie } })).text()
    expect(html).toMatch(/data-testid="state">\s*signed in as ada/)
    expect(await (await fetch(`${nitro.url}/api/viewer`, { headers: { cookie } })).json()).toEqual({ viewer: 'ada' })
    expect(await (await fetch(`${nitro.url}/api/viewer`)).json()).toEqual({ viewer: null })
    const account = await fetch(`${nitro.url}/account`, { headers: { cookie }, redirect: 'manual' })
    expect(account.status).toBe(200)
    expect(await account.text()).toContain('The account of ada')

    // A reload: signed in from its first frame to its last.
    await page.reload()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed in as ada')
    await page.waitForTimeout(500)
    expect(await states()).toEqual(['signed in as ada'])

    // Signed out in another tab: this one follows, and its session cookies are gone.
    const other = await openPage(context, problems)
    await other.goto(`${nitro.url}/account`)
    await expect.poll(() => other.getByTestId('account').textContent(), { timeout: 10_000 }).toContain('The account of ada')
    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed out')
    // The other tab, on a page for signed-in users, leaves it.
    await expect.poll(() => other.url(), { timeout: 10_000 }).toBe(`${nitro.url}/?redirect=/account`)
    expect((await context.cookies()).filter(c => c.name.startsWith('__convexAuth'))).toEqual([])
    await page.reload()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed out')

    // A wrong password is the method's own answer; the right one signs in.
    await page.getByTestId('username').fill('ada')
    await page.getByTestId('password').fill('wrong password!')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('failure').textContent(), { timeout: 10_000 }).toContain('INVALID_CREDENTIALS')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed in as ada')
    expect(problems).toEqual([])
    await context.close()
  })

  it('a forged cookie that has not expired gets a 302 before any HTML of a page for signed-in users, and no user in server routes', async () => {
    // A real session's access token, its claims then rewritten (still unexpired): the signature no longer matches.
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(nitro.url)
    await page.getByTestId('username').fill('grace')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toContain('signed in as grace')
    const jwt = (await context.cookies()).find(c => c.name.startsWith('__convexAuthJWT'))!
    await context.close()
    const [header, payload, signature] = jwt.value.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    expect(claims.exp * 1000).toBeGreaterThan(Date.now())
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: `${claims.sub}x` })).toString('base64url')}.${signature}`
    // And one the attacker signed with a key of their own, naming the deployment as its issuer.
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`

    for (const token of [forged, unsigned]) {
      const cookie = `${jwt.name}=${token}`
      const response = await fetch(`${nitro.url}/account`, { headers: { cookie }, redirect: 'manual' })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/?redirect=/account')
      expect(await response.text()).not.toContain('The account of')
      expect(await (await fetch(`${nitro.url}/api/viewer`, { headers: { cookie } })).json()).toEqual({ viewer: null })
    }
  })

  it('refuses the auth routes to another site (CSRF): no session cookie is written', async () => {
    const response = await fetch(`${nitro.url}/api/auth/signin?path=/api/mutation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'origin': 'https://evil.example' },
      body: JSON.stringify({ path: 'auth:signInWithUsernamePassword', format: 'convex_encoded_json', args: [{ username: 'ada', password: 'correct horse battery staple' }] }),
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('writes Secure session cookies behind a proxy that terminates HTTPS (X-Forwarded-Proto), and not over plain http', async () => {
    const signUp = async (username: string, proto: 'https' | 'http') => {
      const host = new URL(nitro.url).host
      const response = await fetch(`${nitro.url}/api/auth/signin?path=/api/mutation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'origin': `${proto}://${host}`, ...proto === 'https' ? { 'x-forwarded-proto': 'https' } : {} },
        body: JSON.stringify({ path: 'auth:signUpWithUsernamePassword', format: 'convex_encoded_json', args: [{ username, password: 'correct horse battery staple' }] }),
      })
      expect(response.status).toBe(200)
      return response.headers.getSetCookie().filter(cookie => cookie.startsWith('__convexAuthRefreshToken='))
    }
    const behindProxy = await signUp('behind-a-proxy', 'https')
    expect(behindProxy).toHaveLength(1)
    expect(behindProxy[0]).toMatch(/;\s*Secure/i)
    expect(behindProxy[0]).toMatch(/;\s*HttpOnly/i)
    const plain = await signUp('over-plain-http', 'http')
    expect(plain).toHaveLength(1)
    expect(plain[0]).not.toMatch(/;\s*Secure/i)
  })
})
