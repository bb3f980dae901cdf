// Convex Auth in a Nuxt app (packages/nuxt/test/convex-auth-app), built by `npm run
// test:browser`, served by its own Nitro server against Convex Auth's own functions
// (convexAuth({ providers: [Password] }), its HTTP routes) on the in-memory backend, in Chromium.
import type { Browser, Page } from 'playwright-core'
import type { startNitro } from './helpers'
import { fileURLToPath } from 'node:url'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../docs/e2e/chromium'
import { convexAuthKeys, modules, schema } from '../../testing/test/convex-auth'
import { startNitro as start } from './helpers'

const server = fileURLToPath(new URL('./convex-auth-app/.output/server/index.mjs', import.meta.url))

let convex: ReturnType<typeof createTestConvex>
let backend: Awaited<ReturnType<typeof serveTestConvex>>
let nitro: Awaited<ReturnType<typeof startNitro>>
let browser: Browser

beforeAll(async () => {
  convex = createTestConvex({ schema, modules, crons: false, env: await convexAuthKeys() })
  backend = await serveTestConvex(convex.backend)
  nitro = await start(server, backend.url)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  nitro?.process.kill()
  await backend?.close()
  await convex?.close()
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

describe('convex Auth in Nuxt (useConvexAuthActions)', () => {
  it('signs up, shows the user, renders signed in on the server and in server routes, survives a reload, signs out, and signs in again', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' || /hydration/i.test(m.text()))
        problems.push(`console.${m.type()}: ${m.text()}`)
    })
    const states = await recordStates(page)
    await page.goto(nitro.url)
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed out')

    await page.getByTestId('email').fill('ada@example.com')
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-up').click()
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed in as ada@example.com')
    const cookie = (await context.cookies()).find(c => c.name === 'convex-auth-jwt')
    expect(cookie?.value).toMatch(/^ey/)

    // The server renders the page signed in, from the cookie, with the user's own data.
    const html = await (await fetch(nitro.url, { headers: { cookie: `convex-auth-jwt=${cookie!.value}` } })).text()
    expect(html).toMatch(/data-testid="state">\s*signed in as ada@example.com/)
    // And the server routes, from the same cookie.
    const route = await (await fetch(`${nitro.url}/api/viewer`, { headers: { cookie: `convex-auth-jwt=${cookie!.value}` } })).json()
    expect(route).toEqual({ viewer: 'ada@example.com' })
    expect(await (await fetch(`${nitro.url}/api/viewer`)).json()).toEqual({ viewer: null })

    // A reload: signed in from its first frame to its last (the stored session, refreshed).
    await page.reload()
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed in as ada@example.com')
    await page.waitForTimeout(500)
    expect(await states()).toEqual(['signed in as ada@example.com'])

    await page.getByTestId('sign-out').click()
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed out')
    expect((await context.cookies()).find(c => c.name === 'convex-auth-jwt')).toBeUndefined()
    await page.reload()
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed out')
    expect(await states()).toEqual(['signed out'])

    // A wrong password is refused; the right one signs in.
    await page.getByTestId('email').fill('ada@example.com')
    await page.getByTestId('password').fill('wrong')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('failure').textContent()).toContain('wrong password')
    // Convex's client logs a failed call, as it does for every app: the one expected here.
    expect(problems.splice(0)).toEqual([expect.stringMatching(/^console\.error: \[CONVEX A\(auth:signIn\)\] .*Server Error/)])
    await page.getByTestId('password').fill('correct horse battery staple')
    await page.getByTestId('sign-in').click()
    await expect.poll(() => page.getByTestId('state').textContent()).toContain('signed in as ada@example.com')
    expect(problems).toEqual([])
    await context.close()
  })
})
