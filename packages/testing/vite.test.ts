// @vitest-environment node
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { convexTestingBrowser } from './vite'

/** Convex Auth 2's provider, which reads the deployment's URL in `process.env` when called. */
const authProvider = fileURLToPath(new URL('../../node_modules/@convex-dev/auth/dist/server/authProvider.js', import.meta.url))

/** Builds `source` as a page's module with `convexTestingBrowser()`, as `vite build` (and VitePress) do. */
async function buildPage(source: string): Promise<{ code: string, module: Record<string, any> }> {
  const entry = '\0page-entry.js'
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [
      convexTestingBrowser(),
      { name: 'entry', resolveId: id => id === 'page-entry' ? entry : null, load: id => id === entry ? source : null },
    ],
    build: { write: false, minify: false, rollupOptions: { input: 'page-entry', preserveEntrySignatures: 'strict' } },
  }) as { output: Array<{ type: string, isEntry?: boolean, code?: string }> }
  const chunk = output.output.find(o => o.type === 'chunk' && o.isEntry)!
  return { code: chunk.code!, module: await import(`data:text/javascript,${encodeURIComponent(chunk.code!)}`) }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('convexTestingBrowser', () => {
  it('leaves process.env to the backend in a built page: Convex Auth reads the deployment URL at call time', async () => {
    const { code, module: page } = await buildPage(`
      import { convexAuthProvider } from ${JSON.stringify(authProvider)}
      export const provider = () => convexAuthProvider()
      export const read = name => process.env[name]
      export const dev = process.env.NODE_ENV !== 'production'
    `)
    // What the backend's process.env answers while its function runs.
    vi.stubEnv('CONVEX_CLOUD_URL', 'http://127.0.0.1:3210')
    expect(page.provider()).toMatchObject({ issuer: 'http://127.0.0.1:3210/components/auth', jwks: 'http://127.0.0.1:3210/.well-known/jwks.json' })
    expect(page.read('CONVEX_CLOUD_URL')).toBe('http://127.0.0.1:3210')
    // Libraries' NODE_ENV checks are still replaced at build time.
    expect(code).not.toMatch('NODE_ENV')
  }, 60_000)
})
