/**
 * Releases every package at one version (lockstep): `npm run release -- 0.2.0` shows what it
 * would do and changes nothing; add `--publish` to write the versions and changelogs, commit,
 * tag and publish. Each package's CHANGELOG gets the subjects of the commits since the last
 * tag that touched its folder.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { listPackages, root } from './packages'

const args = process.argv.slice(2)
const publish = args.includes('--publish')
const version = args.find(a => !a.startsWith('--'))
if (!version || !/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) {
  console.error('Usage: npm run release -- <version> [--publish], e.g. npm run release -- 0.2.0 (a dry run without --publish)')
  process.exit(1)
}

const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
const run = (cmd: string, a: string[], cwd = root) => execFileSync(cmd, a, { cwd, stdio: 'inherit' })

if (publish && git('status', '--porcelain'))
  throw new Error('Commit or stash your changes first: a release starts from a clean tree.')
const lastTag = (() => {
  try {
    return git('describe', '--tags', '--abbrev=0')
  }
  catch {
    return undefined // no release tagged yet: every commit counts
  }
})()
const range = lastTag ? [`${lastTag}..HEAD`] : []

const packages = listPackages()
const names = new Set(packages.map(p => p.name))
const date = new Date().toISOString().slice(0, 10)
for (const pkg of packages) {
  const dir = `packages/${pkg.dir}`
  const subjects = git('log', '--format=%s', ...range, '--', dir).split('\n').filter(Boolean)
  const entry = `## ${version} (${date})\n\n${subjects.length ? subjects.map(s => `- ${s}`).join('\n') : '- No changes of its own; released with the others.'}\n`
  const manifestPath = join(root, dir, 'package.json')
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  manifest.version = version
  // Sibling packages are peers at the same version.
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      if (names.has(dep))
        manifest[field][dep] = `^${version}`
    }
  }
  const changelogPath = join(root, dir, 'CHANGELOG.md')
  const changelog = readFileSync(changelogPath, 'utf8').replace(/(## Unreleased\n[\s\S]*?\n)(?=## )/, `$1${entry}\n`)
  process.stdout.write(`\n${pkg.name} ${manifest.version === version ? `→ ${version}` : ''}\n${entry}`)
  if (publish) {
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    writeFileSync(changelogPath, changelog)
  }
}

// What would be published: the built packages, checked, packed without publishing.
run('npm', ['run', 'build'])
run('npm', ['run', 'check:packages'])
for (const pkg of packages)
  run('npm', ['publish', '--access', 'public', ...(publish ? [] : ['--dry-run']), '--ignore-scripts'], join(root, 'packages', pkg.dir))

if (publish) {
  run('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'])
  run('git', ['commit', '-am', `release: v${version}`])
  run('git', ['tag', `v${version}`])
  process.stdout.write(`\nReleased v${version}: push the commit and the tag (git push --follow-tags).\n`)
}
else {
  process.stdout.write(`\nDry run: nothing written or published. Run \`npm run release -- ${version} --publish\` to release.\n`)
}
