// The Nuxt app (app/, server/) signed in with Better Auth, as a browser uses it: sign up through
// the app's own /api/auth routes, then every page the server renders is the user's (the Convex
// JWT from Better Auth's cookie, on the server's HTTP client), and the payload carries it for
// the hydration; signed out, the server renders signed out; signed in again, signed in.
import { describe, expect, inject, it } from 'vitest'

const appUrl = inject('appUrl')

/** A browser's cookies for the app: sent with each request, updated from each response. */
function browser() {
  const cookies = new Map<string, string>()
  return async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set('origin', appUrl)
    if (cookies.size)
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(appUrl + path, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const name = pair!.slice(0, pair!.indexOf('=')).trim()
      const value = pair!.slice(pair!.indexOf('=') + 1).trim()
      if (!value || attributes.some(a => /^\s*max-age=0\s*$/i.test(a)))
        cookies.delete(name)
      else
        cookies.set(name, value)
    }
    return response
  }
}

const post = (body: object): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
/** What the page's `viewer` element shows. */
const viewerOf = (html: string) => /data-testid="viewer">([^<]*)</.exec(html)?.[1]?.trim()
const rendered = async (response: Response) => viewerOf(await response.text())

describe('better Auth in Nuxt', () => {
  it('renders signed in on the server after sign-up, signed out after sign-out, signed in after sign-in', async () => {
    const open = browser()
    const lin = { name: 'Lin', email: `lin-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse battery staple' }
    expect(await rendered(await open('/'))).toBe('Signed out')

    expect((await open('/api/auth/sign-up/email', post(lin))).status).toBe(200)
    const page = await open('/')
    const html = await page.text()
    expect(viewerOf(html)).toBe('Signed in as Lin')
    // The page hydrates signed in: the render's Convex JWT travels in the payload.
    expect(html).toContain('convex-jwt')

    expect((await open('/api/auth/sign-out', post({}))).status).toBe(200)
    expect(await rendered(await open('/'))).toBe('Signed out')

    expect((await open('/api/auth/sign-in/email', post({ email: lin.email, password: lin.password }))).status).toBe(200)
    expect(await rendered(await open('/'))).toBe('Signed in as Lin')
  })
})
