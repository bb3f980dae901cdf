// What a deployment gives its functions: CONVEX_CLOUD_URL, CONVEX_SITE_URL and its own
// environment variables in process.env, per backend, and auth.config.ts read with them.
import type { TestConvex } from '.'
import { afterEach, expect, it, vi } from 'vitest'
import { createTestConvex } from '.'
import { serveTestConvex } from '../node'
import { api, modules, schema } from '../test/app'

const open: TestConvex[] = []
afterEach(async () => {
  for (const convex of open.splice(0)) {
    await convex.close()
    expect(convex.backend.internalErrors).toEqual([])
  }
})
function start(options: Partial<Parameters<typeof createTestConvex>[0]> = {}) {
  const convex = createTestConvex({ schema, modules, crons: false, ...options })
  open.push(convex)
  return convex
}

it('gives every function its backend\'s CONVEX_CLOUD_URL and CONVEX_SITE_URL, and the served ones while served', async () => {
  const a = start()
  const b = start()
  expect(await a.client.query(api.notes.env, { name: 'CONVEX_CLOUD_URL' })).toBe(a.backend.url)
  expect(await a.client.query(api.notes.env, { name: 'CONVEX_SITE_URL' })).toBe(a.backend.siteUrl)
  expect(await b.client.query(api.notes.env, { name: 'CONVEX_SITE_URL' })).toBe(b.backend.siteUrl)
  expect(a.backend.siteUrl).not.toBe(b.backend.siteUrl)
  expect(process.env.CONVEX_SITE_URL).toBeUndefined() // the test's own process.env is untouched
  const server = await serveTestConvex(a.backend)
  expect(await a.client.query(api.notes.env, { name: 'CONVEX_SITE_URL' })).toBe(server.siteUrl)
  await server.close()
})

it('gives a module the backend\'s variables as it loads (an SDK set up at the top of a module), when its first call comes from a client', async () => {
  const a = start({ env: { LOAD_TIME_KEY: 'key-a' } })
  expect(await a.client.query(api.loaded.loadTimeKey, {})).toBe('key-a')
})

it('gives functions the deployment\'s own variables (env option, setEnv), each backend its own', async () => {
  const a = start({ env: { OPENAI_API_KEY: 'key-a' } })
  const b = start({ env: { OPENAI_API_KEY: 'key-b' } })
  const [fromA, fromB] = await Promise.all([
    a.client.query(api.notes.env, { name: 'OPENAI_API_KEY' }),
    b.client.query(api.notes.env, { name: 'OPENAI_API_KEY' }),
  ])
  expect([fromA, fromB]).toEqual(['key-a', 'key-b'])
  a.backend.setEnv('FEATURE', 'on')
  expect(await a.client.mutation(api.notes.add, { body: 'x' })).toBeTruthy() // a write, so the query runs again
  expect(await a.client.query(api.notes.env, { name: 'FEATURE' })).toBe('on')
  expect(await b.client.query(api.notes.env, { name: 'FEATURE' })).toBeNull()
})

it('reads auth.config.ts with each backend\'s own CONVEX_SITE_URL, so each accepts its own tokens', async () => {
  // One evaluation for the whole test file, as a module is cached.
  let evaluated: Promise<unknown> | undefined
  const authConfig = () => evaluated ??= Promise.resolve({ default: { providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: 'convex' }] } })
  const withSiteIssuer = { ...modules, [Object.keys(modules).find(path => path.endsWith('/auth.config.ts'))!]: authConfig }
  for (const convex of [start({ modules: withSiteIssuer }), start({ modules: withSiteIssuer })]) {
    await convex.signIn({ sub: 'user_1' })
    expect(await convex.client.query(api.notes.whoami, {})).toBe('user_1')
    expect(convex.backend.authErrors).toEqual([])
  }
})

it('lets a test set a variable that is already set while a backend is alive (vi.stubEnv twice, process.env.X = twice)', async () => {
  const a = start()
  try {
    vi.stubEnv('VUEUSE_CONVEX_STUBBED', 'a')
    vi.stubEnv('VUEUSE_CONVEX_STUBBED', 'b')
    expect(process.env.VUEUSE_CONVEX_STUBBED).toBe('b')
    process.env.VUEUSE_CONVEX_ASSIGNED = 'x'
    process.env.VUEUSE_CONVEX_ASSIGNED = 'y'
    expect(process.env.VUEUSE_CONVEX_ASSIGNED).toBe('y')
    // Functions see the process's variables under their backend's.
    expect(await a.client.query(api.notes.env, { name: 'VUEUSE_CONVEX_STUBBED' })).toBe('b')
  }
  finally {
    vi.unstubAllEnvs()
    delete process.env.VUEUSE_CONVEX_ASSIGNED
  }
  expect(process.env.VUEUSE_CONVEX_STUBBED).toBeUndefined()
  expect('VUEUSE_CONVEX_ASSIGNED' in process.env).toBe(false)
})

it('gives the functions of a backend with inheritEnv: false only its own variables, as a deployment does', async () => {
  const isolated = start({ env: { OWN: 'mine' }, inheritEnv: false })
  const inheriting = start()
  process.env.VUEUSE_CONVEX_PROCESS_ONLY = 'process'
  try {
    expect(await isolated.client.query(api.notes.env, { name: 'VUEUSE_CONVEX_PROCESS_ONLY' })).toBeNull()
    expect(await isolated.client.query(api.notes.env, { name: 'OWN' })).toBe('mine')
    expect(await isolated.client.query(api.notes.env, { name: 'CONVEX_SITE_URL' })).toBe(isolated.backend.siteUrl)
    expect(await inheriting.client.query(api.notes.env, { name: 'VUEUSE_CONVEX_PROCESS_ONLY' })).toBe('process')
  }
  finally {
    delete process.env.VUEUSE_CONVEX_PROCESS_ONLY
  }
})
