/**
 * Better Auth end to end: `@convex-dev/better-auth` on the in-memory backend, through the real
 * client, in a fixture app outside the npm workspace (test/better-auth-app, with its own
 * package.json and lockfile, so the workspace's tree does not constrain Better Auth's).
 * Builds and packs the workspace packages, installs the fixture with `npm ci` from its lockfile,
 * adds the packed packages, and runs the fixture's tests. CI runs it: `npm run test:better-auth`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './packages'

const app = join(root, 'test/better-auth-app')
const packages = ['@vueuse-convex/core', '@vueuse-convex/testing', '@vueuse-convex/nuxt']
const run = (cwd: string, args: string[]) => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, stdio: 'inherit' })

const packs = mkdtempSync(join(tmpdir(), 'vueuse-convex-better-auth-'))
try {
  run(root, ['run', 'build', ...packages.flatMap(name => ['-w', name])])
  run(root, ['pack', ...packages.flatMap(name => ['-w', name]), '--pack-destination', packs, '--loglevel=error'])
  run(app, ['ci'])
  // The packed packages on top of the locked tree, as an app installs them from npm (not saved:
  // their versions change with every build).
  run(app, ['install', '--no-save', ...readdirSync(packs).filter(f => f.endsWith('.tgz')).map(f => join(packs, f))])
  run(app, ['test'])
}
finally {
  rmSync(packs, { recursive: true, force: true })
}
