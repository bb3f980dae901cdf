/**
 * Project rules ESLint does not know: every function folder is complete and documented with
 * a category and an intro, and no file holds a machine path. (No console output in library
 * code is an ESLint rule: see eslint.config.js.)
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { listPackages, projectFiles, root } from './packages'

const problems: string[] = []

for (const pkg of listPackages()) {
  for (const fn of pkg.functions) {
    const required = ['index.ts', 'index.md', 'index.test.ts', ...(pkg.dir === 'core' ? ['demo.vue'] : [])]
    for (const file of required) {
      if (!existsSync(join(root, fn.dir, file)))
        problems.push(`${fn.dir}: missing ${file} (every function has its code, docs${pkg.dir === 'core' ? ', demo' : ''} and tests side by side)`)
    }
    if (!fn.category)
      problems.push(`${fn.dir}/index.md: add \`category:\` to the frontmatter`)
    if (!fn.description)
      problems.push(`${fn.dir}/index.md: add a one-sentence intro under the \`# ${fn.name}\` title`)
  }
}

const tracked = projectFiles()

for (const file of tracked) {
  const text = /\.(?:ts|vue|md|json|sh|js)$|(?:^|\/)run$/.test(file) ? readFileSync(join(root, file), 'utf8') : ''
  if (/(?:^|[\s'"`(])\/(?:work|home|root|Users|tmp)\/[\w.-]+/.test(text) && !file.startsWith('scripts/lint.ts'))
    problems.push(`${file}: contains a machine path; use a path relative to the repository`)
}

// One-way layers: function folders import `_internal`, never the reverse, and no file of a
// package's source is in an import circle (type imports included).
const sources = tracked.filter(f => /^packages\/[^/]+\/(?!test\/|playground\/)[\s\S]*\.ts$/.test(f) && !/\.(?:test|test-d|e2e)\.ts$|\.d\.ts$|\/_test\//.test(f))
const imports = new Map<string, string[]>()
for (const file of sources) {
  const text = readFileSync(join(root, file), 'utf8')
  const targets: string[] = []
  for (const [, spec] of text.matchAll(/^(?:import|export)\s[^'"]*?from '(\.{1,2}\/[^']+)'/gm)) {
    const base = join(dirname(file), spec!)
    const target = [`${base}.ts`, join(base, 'index.ts')].find(candidate => sources.includes(candidate))
    if (target)
      targets.push(target)
    if (/\/_internal\/[^/]+$/.test(file) && !spec!.startsWith('./'))
      problems.push(`${file}: imports ${spec}; _internal is the lower layer and imports only itself (move what it needs into _internal)`)
  }
  imports.set(file, targets)
}
const done = new Set<string>()
function visit(file: string, path: string[]) {
  const at = path.indexOf(file)
  if (at >= 0) {
    problems.push(`import circle: ${[...path.slice(at), file].join(' -> ')}`)
    return
  }
  if (done.has(file))
    return
  for (const target of imports.get(file) ?? [])
    visit(target, [...path, file])
  done.add(file)
}
for (const file of sources)
  visit(file, [])

// Optional peers are imported only by the subpath entry made for them: nothing the package's
// main entry reaches may import vue-router (@vueuse-convex/core/loaders does) or @convex-dev/auth
// (@vueuse-convex/core/convex-auth does).
const OPTIONAL_PEER = /^(import type |import |export )[^'"]*?from '((?:vue-router|@convex-dev\/auth)(?:\/[^']*)?)'/gm
const reached = new Set<string>()
function reach(file: string) {
  if (reached.has(file))
    return
  reached.add(file)
  for (const [, kind, peer] of readFileSync(join(root, file), 'utf8').matchAll(OPTIONAL_PEER)) {
    if (kind !== 'import type ')
      problems.push(`${file}: imports ${peer}, an optional peer, and packages/core/index.ts reaches it; export it from a subpath entry (loaders.ts, convex-auth.ts) instead`)
  }
  for (const target of imports.get(file) ?? [])
    reach(target)
}
reach('packages/core/index.ts')

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
