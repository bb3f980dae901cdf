// @vitest-environment node
// The docs' code examples are compiled against the packages (scripts/check-examples.ts, run by
// `npm run typecheck`): a wrong example fails at its line of the Markdown.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkExamples, extractExamples } from '../scripts/check-examples'

const fixtures = fileURLToPath(new URL('./fixtures/examples', import.meta.url))
const scratch = fileURLToPath(new URL('../node_modules/.cache/doc-examples-test', import.meta.url))

describe('docs code examples', () => {
  it('reads ts and vue blocks with their Markdown line, and skips `no-check` ones', () => {
    const examples = extractExamples(['page.md'], fixtures)
    expect(examples.map(e => [e.lang, e.line])).toEqual([['ts', 4], ['ts', 9], ['ts', 14], ['vue', 19]])
  })

  it('reports a wrong example at its line, a `// ✗` that compiles, and a wrong name in a component', () => {
    const problems = checkExamples(extractExamples(['page.md'], fixtures), scratch)
    const found = problems.map(p => `${p.example.file}:${p.line}: ${p.message.slice(0, 6)}`)
    expect(found.sort()).toEqual([
      'page.md:10: TS2322',
      'page.md:15: marked',
      'page.md:22: TS2551',
    ])
  }, 60_000)
})
