/**
 * Runs the in-memory backend's suites against the oldest `convex` that @vueuse-convex/testing
 * supports (its peer range's floor), then puts the locked version back. CI runs it after
 * `npm test` (which covers the newest): `npm run test:convex-range`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { lockedVersion, lowestVersion, root } from './packages'

const range: string = JSON.parse(readFileSync(join(root, 'packages/testing/package.json'), 'utf8')).peerDependencies.convex
const oldest = lowestVersion(range, 'packages/testing/package.json')
const locked = lockedVersion('convex')

const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: root, stdio: 'inherit' })
const suites = ['packages/testing', 'test/reliability', 'packages/core/useConvexQuery', 'packages/core/useConvexPaginatedQuery', 'packages/core/useConvexMutation', 'packages/core/useConvexAuth']
try {
  console.log(`convex ${oldest} (the oldest ${range} allows):`)
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `convex@${oldest}`])
  run('npx', ['vitest', 'run', '--typecheck.enabled=false', ...suites])
}
finally {
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `convex@${locked}`])
}
