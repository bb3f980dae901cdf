// @vitest-environment node
// `npx vueuse-convex-codegen [convexDir]`: _generated/ offline, components included.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { codegen, main, usedComponents } from './codegen'

const root = resolve(import.meta.dirname, '../..')
const fixture = resolve(import.meta.dirname, 'test/components/convex')
let work: string | undefined
afterEach(() => {
  if (work)
    rmSync(work, { recursive: true, force: true })
  work = undefined
})

/** A copy of the fixture app without its _generated/, inside the repository (for node_modules). */
function copyApp(): string {
  work = mkdtempSync(join(root, 'node_modules', '.codegen-test-'))
  cpSync(fixture, join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  return work
}

describe('vueuse-convex-codegen', () => {
  it('writes _generated/ offline, with the components export that convex.config.ts calls for', () => {
    const app = copyApp()
    codegen('convex', app)
    for (const file of ['api.js', 'api.d.ts', 'server.js', 'server.d.ts', 'dataModel.d.ts'])
      expect(readFileSync(join(app, 'convex/_generated', file), 'utf8'), file).toBe(readFileSync(join(fixture, '_generated', file), 'utf8'))
    expect(readFileSync(join(app, 'convex/_generated/api.js'), 'utf8')).toContain('export const components = componentsGeneric();')
    expect(readFileSync(join(app, 'convex/_generated/api.d.ts'), 'utf8')).toContain('"strictLimiter": import("@convex-dev/rate-limiter/_generated/component.js").ComponentApi<"strictLimiter">;')
  }, 30_000)

  it('finds components by their own name or the name the app gives them', () => {
    const source = `import rateLimiter from '@convex-dev/rate-limiter/convex.config'\nconst app = defineApp()\napp.use(rateLimiter)\napp.use(rateLimiter, { name: "second" })\napp.use(unknownThing)`
    expect(usedComponents(source, fixture)).toEqual([
      { name: 'rateLimiter', from: '@convex-dev/rate-limiter/convex.config', types: '@convex-dev/rate-limiter/_generated/component.js' },
      { name: 'second', from: '@convex-dev/rate-limiter/convex.config', types: '@convex-dev/rate-limiter/_generated/component.js' },
    ])
  })

  it('says what to do when the folder is missing, and exits non-zero', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(main(['./no-such-convex-dir'])).toBe(1)
    expect(String(stderr.mock.calls[0][0])).toMatch(/No Convex functions folder at .*no-such-convex-dir: pass its path/)
    stderr.mockRestore()
    expect(existsSync(join(root, 'no-such-convex-dir'))).toBe(false)
  })
})
