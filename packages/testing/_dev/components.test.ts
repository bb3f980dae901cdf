// @vitest-environment node
// How dev reads a component's test entry as Vite and Convex's bundler do: `import.meta.glob`
// patterns expand to the files they name, keyed as the pattern writes them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { expandGlob } from './components'

let root: string | undefined
afterEach(() => {
  if (root)
    rmSync(root, { recursive: true, force: true })
})

function files(paths: string[]) {
  root = mkdtempSync(join(tmpdir(), 'vueuse-convex-glob-'))
  for (const path of paths) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), '')
  }
  return root
}

/** The keys of an expanded glob. */
const keys = (code: string) => [...code.matchAll(/"([^"]+)": \(\) => import\("\1"\)/g)].map(m => m[1])

describe('import.meta.glob in a component\'s test entry', () => {
  it('expands ** and * from the file\'s folder, keyed as the pattern writes them, negations left out', () => {
    const dir = files(['src/testing/core.ts', 'src/component/schema.ts', 'src/component/sessions.ts', 'src/component/_generated/api.ts', 'src/component/a.fixture.ts', 'src/component/notes.md'])
    expect(keys(expandGlob(['../component/**/*.ts', '!../component/**/*.fixture.ts'], join(dir, 'src/testing')))).toEqual([
      '../component/_generated/api.ts',
      '../component/schema.ts',
      '../component/sessions.ts',
    ])
  })

  it('takes ./ patterns, one folder level with *, and {a,b}', () => {
    const dir = files(['component/x.ts', 'component/y.js', 'component/deep/z.ts'])
    expect(keys(expandGlob(['./component/*.{ts,js}'], dir))).toEqual(['./component/x.ts', './component/y.js'])
    expect(keys(expandGlob(['./component/**/*.ts'], dir))).toEqual(['./component/deep/z.ts', './component/x.ts'])
  })

  it('expands the patterns of Convex Auth 2\'s own test entry to its component\'s modules', () => {
    const entry = join(import.meta.dirname, '../../../node_modules/@convex-dev/auth/src/testing')
    const modules = keys(expandGlob(['../component/**/*.ts', '!../component/**/*.fixture.ts'], entry))
    expect(modules).toContain('../component/schema.ts')
    expect(modules).toContain('../component/_generated/api.ts')
    expect(modules.some(key => key.endsWith('.fixture.ts'))).toBe(false)
  })
})
