// @vitest-environment node
// The docs' options and return tables are made from the JSDoc, and the docs build fails when
// the two could drift: a hand-written table, a member without JSDoc, an option without @default.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { memberTables } from '../.vitepress/plugins/function-pages'

const file = fileURLToPath(new URL('./fixtures/docs-members.ts', import.meta.url))

describe('docs tables from JSDoc', () => {
  it('renders each member with its type, @default and description', () => {
    const page = memberTables('## Options\n\n<!-- options GoodOptions -->\n', file)
    expect(page).toContain('| `limit` | `number` | `10` | How many to keep. |')
    expect(page).toContain('| `name` | `string` | required | Required, so it needs no default. |')
  })

  it('fails on a member without JSDoc, an option without @default, or an unknown interface', () => {
    expect(() => memberTables('<!-- returns UndocumentedReturn -->', file)).toThrow(/UndocumentedReturn\.value has no JSDoc/)
    expect(() => memberTables('<!-- options NoDefaultOptions -->', file)).toThrow(/NoDefaultOptions\.limit is optional but has no @default/)
    expect(() => memberTables('<!-- options MissingOptions -->', file)).toThrow(/does not export/)
  })

  it('fails on a hand-written table, which would drift from the JSDoc', () => {
    expect(() => memberTables('| Option | Type |\n|---|---|\n| `limit` | `number` |\n', file)).toThrow(/instead of a hand-written table/)
  })
})
