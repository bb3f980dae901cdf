// The Better Auth page of the docs shows this app's own code: each of its blocks titled with a
// file of this app (` ```ts no-check [app/plugins/better-auth.ts] `) is in that file, verbatim.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')
const page = read('../../../docs/guide/sign-in/better-auth.md')
const blocks = [...page.matchAll(/^```ts no-check \[(.+)\]\n([\s\S]*?)\n```$/gm)].map(([, file, code]) => ({ file: file!, code: code! }))

describe('docs/guide/sign-in/better-auth.md', () => {
  it('titles its blocks with this app\'s files', () => {
    expect(blocks.map(b => b.file)).toEqual(['convex/convex.config.ts', 'convex/auth.config.ts', 'convex/auth.ts', 'convex/http.ts', 'server/api/auth/[...all].ts', 'app/plugins/better-auth.ts'])
  })

  it.each(blocks.map(b => [b.file, b.code] as const))('shows %s as it is', (file, code) => {
    expect(read(`../${file}`)).toContain(code)
  })
})
