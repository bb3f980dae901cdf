import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The repository root. */
export const root = resolve(import.meta.dirname, '..')

/** Each npm package under packages/, with the function folders it holds. */
export interface PackageInfo {
  /** Folder name under packages/, e.g. `core`. */
  dir: string
  /** npm name, e.g. `@vueuse-convex/core`. */
  name: string
  /** Function folders (one per public function), sorted. */
  functions: FunctionInfo[]
}

export interface FunctionInfo {
  name: string
  /** Folder relative to the root, e.g. `packages/core/useConvexAction`. */
  dir: string
  category: string
  description: string
  /**
   * The package entry that exports it: `index` (the package itself), or a subpath such as
   * `loaders` (`@vueuse-convex/core/loaders`) for a function whose optional peer the package
   * must not import (`entry:` in its index.md front matter).
   */
  entry: string
}

function frontmatter(md: string): Record<string, string> {
  const match = /^---\n([\s\S]*?)\n---/.exec(md)
  const out: Record<string, string> = {}
  for (const line of match?.[1].split('\n') ?? []) {
    const i = line.indexOf(':')
    if (i > 0)
      out[line.slice(0, i).trim()] = line.slice(i + 1).trim()
  }
  return out
}

/** The first paragraph after the `# title` of an index.md. */
function intro(md: string): string {
  const body = md.replace(/^---\n[\s\S]*?\n---\n/, '')
  const after = body.split(/^# .*$/m)[1] ?? ''
  return after.trim().split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ').trim() ?? ''
}

export function listPackages(): PackageInfo[] {
  const dir = join(root, 'packages')
  return readdirSync(dir).filter(d => existsSync(join(dir, d, 'package.json'))).sort().map((pkg) => {
    const name = JSON.parse(readFileSync(join(dir, pkg, 'package.json'), 'utf8')).name as string
    const functions = readdirSync(join(dir, pkg))
      .filter(f => /^[a-z]/i.test(f) && statSync(join(dir, pkg, f)).isDirectory() && existsSync(join(dir, pkg, f, 'index.ts')))
      .sort()
      .map((fn) => {
        const mdPath = join(dir, pkg, fn, 'index.md')
        const md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : ''
        const fm = frontmatter(md)
        return { name: fn, dir: `packages/${pkg}/${fn}`, category: fm.category ?? '', description: intro(md), entry: fm.entry ?? 'index' }
      })
    return { dir: pkg, name, functions }
  })
}

/** The repository's web address (from the root package.json), e.g. https://github.com/owner/repo. */
export function repositoryUrl(): string {
  const { repository } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const url = typeof repository === 'string' ? repository : repository.url
  return url.replace(/^git\+/, '').replace(/\.git$/, '')
}

/**
 * The source file a built entry point (`./dist/x.js`, `./dist/x.mjs`) is made from: `x.ts` in
 * the package folder, or `src/x.ts` where the package keeps its sources in src/ (the Nuxt module).
 */
export function entrySource(dir: string, built: string): string {
  const name = built.replace(/^\.\/dist\//, '').replace(/\.m?js$/, '.ts')
  const flat = join(root, 'packages', dir, name)
  return existsSync(flat) ? flat : join(root, 'packages', dir, 'src', name)
}

/** The repository's files: git's list, or without a repository (a downloaded ZIP) the file tree minus what .gitignore names. */
export function projectFiles(): string[] {
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

/** The lowest version a peer range allows (`^1.24.0`, `~1.2.3`, `>=13.0.0`, `3.5.0`); `where` names it in the error. */
export function lowestVersion(range: string, where: string): string {
  const version = /^(?:\^|~|>=)?\s*(\d+\.\d+\.\d+)/.exec(range)?.[1]
  if (!version)
    throw new Error(`Cannot read the lowest version of the peer range ${JSON.stringify(range)} in ${where}`)
  return version
}

/** The version of `name` that package-lock.json installs at the root. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, { version: string } | undefined>
  const version = lock[`node_modules/${name}`]?.version
  if (!version)
    throw new Error(`${name} is not in package-lock.json: add it to the root devDependencies`)
  return version
}
