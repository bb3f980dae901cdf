/**
 * Project rules ESLint does not know: every function folder is complete and documented with
 * a category and an intro, and no file holds a machine path. (No console output in library
 * code is an ESLint rule: see eslint.config.js.)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { listPackages, root } from './packages'

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

/** The repository's files: git's list, or without a repository (a downloaded ZIP) the file tree minus what .gitignore names. */
function projectFiles(): string[] {
  if (existsSync(join(root, '.git'))) {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(f => f && existsSync(join(root, f)))
  }
  // .gitignore here holds folder names and `*.ext` patterns only.
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'))
  const skip = (path: string, isDir: boolean) => ignored.some((rule) => {
    if (rule.startsWith('*.'))
      return !isDir && path.endsWith(rule.slice(1))
    const name = rule.replace(/\/$/, '')
    return name.includes('/') ? path === name : path.split('/').includes(name)
  })
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.name === '.git' || skip(path, entry.isDirectory()))
        continue
      if (entry.isDirectory())
        walk(path)
      else
        out.push(path)
    }
  }
  walk('')
  return out
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
