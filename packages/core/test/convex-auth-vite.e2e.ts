// Convex Auth 2 in a Vite app without Nuxt (./convex-auth-vite: useConvexAuthActions with its
// server routes, which the convexAuthVite plugin serves, as the sign-in page shows it), served by
// Vite against Convex Auth's own functions on the local backend of `npx vueuse-convex dev`
// (startDevBackend, on a copy of the app's convex/ folder), in Chromium.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import type { DevBackend } from '../../testing/dev'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { createServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../docs/e2e/chromium'
import { workspaceAliases } from '../../../vitest.config'
import { startDevBackend } from '../../testing/dev'
import { convexAuthVite } from '../convexAuthVite'

let work: string
let backend: DevBackend
let vite: ViteDevServer
let url: string
let browser: Browser

beforeAll(async () => {
  // An app folder of its own (inside the repository, for its node_modules), as a user runs dev in theirs.
  work = mkdtempSync(join(fileURLToPath(new URL('../../../node_modules/', import.meta.url)), '.convex-auth-vite-e2e-'))
  cpSync(fileURLToPath(new URL('../../testing/test/convex-auth/convex', import.meta.url)), join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  backend = await startDevBackend({ cwd: work, port: 0, sitePort: 0, dataFile: false, watch: false, log: () => {} })
  vite = await createServer({
    configFile: false,
    root: fileURLToPath(new URL('./convex-auth-vite', import.meta.url)),
    plugins: [vue(), convexAuthVite({ url: backend.url!, signIn: ['auth:signInWithUsernamePassword', 'auth:signUpWithUsernamePassword'] })],
    resolve: { alias: [{ find: /^@vueuse-convex\/core\/convex-auth$/, replacement: fileURLToPath(new URL('../convex-auth.ts', import.meta.url)) }, { find: /^@vueuse-convex\/core\/convex-auth-server$/, replacement: fileURLToPath(new URL('../convex-auth-server.ts', import.meta.url)) }, ...workspaceAliases] },
    define: { 'import.meta.env.VITE_CONVEX_URL': JSON.stringify(backend.url!) },
    server: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
  })
  await vite.listen()
  url = vite.resolvedUrls!.local[0]!.replace(/\/$/, '')
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await vite?.close()
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
  })
  return () => page.evaluate(() => (window as any).__states as string[])
}

async function openPage(context: BrowserContext, problems: string[]) {
  const page = await context.newPage()
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error')
      problems.push(`console.error: ${m.text()}`)
  })
  return page
}

const state = (page: Page) => page.getByTestId('state').textContent()

/** What page JavaScript can read: `document.cookie` and `localStorage`. */
const readable = (page: Page) => page.evaluate(() => `${document.cookie} ${JSON.stringify({ ...localStorage })}`)

describe('convex Auth 2 in a Vite app (the refresh token on the server: convexAuthVite)', () => {
  it('signs up, keeps the refresh token out of page JavaScript, survives a reload signed in with no signed-out frame, follows a sign-out in another tab, and answers a wrong password', async () => {
    const context = await browser.newContext()
    const problems: string[] = []
    const page = await openPage(context, problems)
    const states = await recordStates(page)
    await page.goto(url)
    await expect.poll(() => state(page), { timeout: 20_000 }).toContain('signed out')

    await page.getByTestId('username').fill('ada')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => state(page), { timeout: 10_000 }).toContain('signed in as ada')
    // The refresh token is in an httpOnly cookie, and nowhere page JavaScript reads.
    const refresh = (await context.cookies()).find(c => c.name === '__convexAuthRefreshToken')!
    expect(refresh.httpOnly).toBe(true)
    expect(await readable(page)).not.toContain(refresh.value)

    // A reload: from the stored session, never signed out on the way.
    await page.reload()
    await expect.poll(() => state(page), { timeout: 10_000 }).toContain('signed in as ada')
    await page.waitForTimeout(500)
    expect(await states()).not.toContain('signed out')
    expect((await states()).at(-1)).toBe('signed in as ada')

    // Another tab of the same browser is signed in too; signing out there signs out here.
    const other = await openPage(context, problems)
    await other.goto(url)
    await expect.poll(() => state(other), { timeout: 10_000 }).toContain('signed in as ada')
    await other.getByTestId('sign-out').click()
    await expect.poll(() => state(other), { timeout: 10_000 }).toContain('signed out')
    await expect.poll(() => state(page), { timeout: 10_000 }).toContain('signed out')

    await page.getByTestId('username').fill('ada')
    await page.getByTestId('password').fill('wrong password!')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('failure').textContent(), { timeout: 10_000 }).toContain('INVALID_CREDENTIALS')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => state(page), { timeout: 10_000 }).toContain('signed in as ada')
    expect(problems).toEqual([])
    await context.close()
  })
})
