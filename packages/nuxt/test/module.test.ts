// @vitest-environment node
// The module's setup in a Nuxt app of its own (loadNuxt, as `nuxi dev` and `nuxi build` load
// it, `.env` included): the deployment's URL from the environment, the app's `api`, `Id` and
// `Doc` auto-imported from its convex/ folder, and Convex's entries in Vite's optimizeDeps.
import type { Nuxt } from '@nuxt/schema'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { loadNuxt } from '@nuxt/kit'
import { afterEach, describe, expect, it, vi } from 'vitest'

const moduleEntry = fileURLToPath(new URL('../src/module.ts', import.meta.url))
// Inside the repository, where Nuxt resolves, in a folder git ignores.
const scratch = fileURLToPath(new URL('../node_modules/.cache/module-test', import.meta.url))
// Loading Nuxt takes seconds, the first time many.
vi.setConfig({ testTimeout: 60_000 })

const ENV = ['NUXT_PUBLIC_CONVEX_URL', 'CONVEX_URL', 'VITE_CONVEX_URL']
/** An auto-import, as Nuxt's and Nitro's hooks list them. */
interface Import { name: string, from: string, type?: boolean }
const opened: Array<{ dir: string, nuxt: Nuxt }> = []

/** A Nuxt app in a folder of its own: `files` are written relative to its root. */
async function app(files: Record<string, string>, convex: object = {}): Promise<Nuxt> {
  mkdirSync(scratch, { recursive: true })
  const dir = mkdtempSync(join(scratch, 'app-'))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  const nuxt = await loadNuxt({ cwd: dir, ready: true, overrides: { modules: [moduleEntry], convex, telemetry: false, devtools: { enabled: false } } as object })
  opened.push({ dir, nuxt })
  return nuxt
}

/** What the app auto-imports (pages and components), and what its server routes do. */
async function imports(nuxt: Nuxt): Promise<{ app: Import[], server: Import[] }> {
  const app: Import[] = []
  await nuxt.callHook('imports:extend', app)
  // Nitro's config, with what Nuxt's own hooks write to.
  const config = { imports: { imports: [] as Import[] }, virtual: {}, alias: {}, externals: { inline: [] }, plugins: [], replace: {}, typescript: {}, rollupConfig: { plugins: [] } }
  // Nitro's hook, which @nuxt/schema's hook types do not list.
  await (nuxt.callHook as (name: string, config: object) => Promise<unknown>)('nitro:config', config)
  return { app, server: config.imports.imports }
}

const generated = {
  'convex/_generated/api.d.ts': 'export declare const api: {}\nexport declare const internal: {}\n',
  'convex/_generated/api.js': 'export const api = {}\nexport const internal = {}\n',
  'convex/_generated/dataModel.d.ts': 'export type Id<T> = string & { __table: T }\nexport type Doc<T> = { _id: Id<T> }\n',
}

afterEach(async () => {
  for (const { dir, nuxt } of opened.splice(0)) {
    await nuxt.close()
    rmSync(dir, { recursive: true, force: true })
  }
  for (const name of ENV)
    delete process.env[name]
})

describe('the deployment\'s URL', () => {
  it.each(ENV)('is read from %s in .env when nuxt.config sets none', async (name) => {
    const nuxt = await app({ '.env': `${name}=https://from-env.convex.cloud\n` })
    expect(nuxt.options.runtimeConfig.public.convex.url).toBe('https://from-env.convex.cloud')
  })

  it('prefers NUXT_PUBLIC_CONVEX_URL, then CONVEX_URL, and convex.url over both', async () => {
    const env = '.env'
    const both = 'CONVEX_URL=https://convex-url.convex.cloud\nNUXT_PUBLIC_CONVEX_URL=https://nuxt.convex.cloud\nVITE_CONVEX_URL=https://vite.convex.cloud\n'
    expect((await app({ [env]: both })).options.runtimeConfig.public.convex.url).toBe('https://nuxt.convex.cloud')
    for (const name of ENV)
      delete process.env[name]
    expect((await app({ [env]: both }, { url: 'https://option.convex.cloud' })).options.runtimeConfig.public.convex.url).toBe('https://option.convex.cloud')
    for (const name of ENV)
      delete process.env[name]
    expect((await app({ [env]: 'VITE_CONVEX_URL=https://vite.convex.cloud\nCONVEX_URL=https://convex-url.convex.cloud\n' })).options.runtimeConfig.public.convex.url).toBe('https://convex-url.convex.cloud')
  })
})

describe('the app\'s api, Id and Doc', () => {
  it('auto-imports api (not internal) in pages and server routes, and Id and Doc as types', async () => {
    const nuxt = await app(generated)
    const { app: pages, server } = await imports(nuxt)
    const root = nuxt.options.rootDir
    expect(pages).toContainEqual({ name: 'api', from: join(root, 'convex/_generated/api') })
    expect(server).toContainEqual({ name: 'api', from: join(root, 'convex/_generated/api') })
    for (const name of ['Id', 'Doc'])
      expect(pages).toContainEqual({ name, from: join(root, 'convex/_generated/dataModel'), type: true })
    expect([...pages, ...server].map(i => i.name)).not.toContain('internal')
  })

  it('takes them from the folder convex.json names', async () => {
    const moved = Object.fromEntries(Object.entries(generated).map(([path, content]) => [path.replace('convex/', 'src/backend/'), content]))
    const nuxt = await app({ ...moved, 'convex.json': JSON.stringify({ functions: 'src/backend/' }) })
    expect((await imports(nuxt)).app).toContainEqual({ name: 'api', from: join(nuxt.options.rootDir, 'src/backend/_generated/api') })
  })

  it('adds nothing, and no error, when the app has no convex/_generated folder', async () => {
    const { app: pages, server } = await imports(await app({}))
    expect([...pages, ...server].map(i => i.name)).not.toContain('api')
    expect(pages.map(i => i.name)).toContain('useConvexQuery')
  })

  it('adds nothing with imports: { api: false }', async () => {
    const { app: pages, server } = await imports(await app(generated, { imports: { api: false } }))
    expect([...pages, ...server].map(i => i.name)).not.toContain('api')
    expect(pages.map(i => i.name)).not.toContain('Id')
  })
})

describe('vite', () => {
  it('optimizes convex\'s entries up front, so the first page load does not discover them and reload', async () => {
    const nuxt = await app({}, {})
    expect(nuxt.options.vite.optimizeDeps?.include).toEqual(expect.arrayContaining(['convex/browser', 'convex/server', 'convex/values']))
  })
})

describe('auth.verify', () => {
  it('checks the sign-in cookie on the server (a middleware) only when auth.cookie and auth.verify are set', async () => {
    const checks = (nuxt: Nuxt) => (nuxt.options as unknown as { serverHandlers: Array<{ middleware?: boolean, handler: string }> }).serverHandlers.filter(h => h.middleware && h.handler.includes('cookieSession'))
    expect(checks(await app({}, { url: 'https://a.convex.cloud', auth: { cookie: 'session', verify: { issuer: 'https://clerk.example.com', audience: 'convex' } } }))).toHaveLength(1)
    expect(checks(await app({}, { url: 'https://a.convex.cloud', auth: { cookie: 'session' } }))).toHaveLength(0)
  })
})
