/**
 * After `npm run build`: what npm would publish. Each package's tarball holds its README,
 * LICENSE and dist; publint finds nothing; are-the-types-wrong resolves every entry point
 * (ESM only by design: a `require()` of it is reported by attw and not counted).
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import process from 'node:process'
import { listPackages, root } from './packages'

const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const problems: string[] = []

function run(command: string, args: string[], cwd: string): string | undefined {
  try {
    execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' })
  }
  catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string, stderr?: string }
    return `${stdout}${stderr}`.trim()
  }
}

for (const pkg of listPackages()) {
  const dir = join(root, 'packages', pkg.dir)
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0]
  const files: string[] = packed.files.map((f: { path: string }) => f.path)
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!files.includes(required))
      problems.push(`${pkg.name}: the tarball has no ${required} (run npm run update)`)
  }
  if (!files.some(f => f.startsWith('dist/')))
    problems.push(`${pkg.name}: the tarball has no dist/ (run npm run build)`)
  const publint = run(bin('publint'), ['--strict'], dir)
  if (publint !== undefined)
    problems.push(`${pkg.name}: publint\n${publint}`)
  const attw = run(bin('attw'), ['--pack', '.', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'], dir)
  if (attw !== undefined)
    problems.push(`${pkg.name}: are-the-types-wrong\n${attw}`)
}

if (problems.length) {
  console.error(problems.join('\n\n'))
  process.exit(1)
}
process.stdout.write('packages: README, LICENSE and dist in every tarball; publint and are-the-types-wrong clean\n')
