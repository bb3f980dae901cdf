/**
 * Project rules ESLint does not know: every function folder is complete and documented with
 * a category and an intro, and no file holds a machine path. (No console output in library
 * code is an ESLint rule: see eslint.config.js.)
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
