// The seed-app's pages hold the useConvexAction seed's examples verbatim: every client-side
// example of the seed page (test/fixtures/seed/useConvexAction.md) is pasted, unchanged, into
// a page of its own, named after its heading. seed.e2e.ts compiles (vue-tsc, in
// `npm run build:playground`) and runs them.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const read = (path: string) => readFileSync(here(path), 'utf8')

/** Every ```ts / ```vue block of the seed page, with the heading above it. */
function seedExamples(): Array<{ heading: string, lang: string, code: string }> {
  const lines = read('../../../test/fixtures/seed/useConvexAction.md').split('\n')
  const out: Array<{ heading: string, lang: string, code: string }> = []
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    heading = /^#{2,3} (.+)$/.exec(lines[i]!)?.[1] ?? heading
    const lang = /^```(ts|vue)$/.exec(lines[i]!)?.[1]
    if (!lang)
      continue
    const end = lines.indexOf('```', i + 1)
    out.push({ heading, lang, code: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return out
}

const slug = (heading: string) => heading.toLowerCase().replace(/\W+/g, '-')
const examples = seedExamples()
// The signature is a declaration, not code to run; convex/ files are the backend's.
const client = examples.filter(e => !e.code.startsWith('function useConvexAction') && !e.code.startsWith('// convex/'))

describe('the seed-app', () => {
  it('has one page per client-side example of the seed page, and no other example page', () => {
    expect(examples).toHaveLength(10)
    expect(client.map(e => slug(e.heading))).toEqual(['action', 'basic-action', 'with-status-tracking', 'payment-processing', 'ai-integration', 'file-processing', 'error-handling', 'typescript'])
    const pages = readdirSync(here('./seed-app/app/pages')).map(f => f.replace(/\.vue$/, ''))
    expect(pages.sort()).toEqual([...client.map(e => slug(e.heading)), 'index', 'order-confirmation'].sort())
  })

  it.each(client.map(e => [slug(e.heading), e] as const))('pastes the %s example verbatim', (name, example) => {
    const page = read(`./seed-app/app/pages/${name}.vue`)
    if (example.lang === 'vue')
      expect(page).toBe(`${example.code}\n`)
    else
      expect(page).toContain(`// The seed's example, verbatim (seed.test.ts checks it against the seed page):\n${example.code}\n`)
  })

  it('has the server example verbatim in its convex/ folder, below the imports it leaves out', () => {
    const server = examples.find(e => e.code.startsWith('// convex/actions.ts'))!
    expect(read('./seed-app/convex/actions.ts')).toContain(server.code)
  })
})
