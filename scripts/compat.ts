/**
 * The compatibility matrix: the packed `@vueuse-convex/core` installed into a small consumer app
 * (`test/compat/app`) with the lowest and newest versions its peer ranges allow, then type-checked
 * with vue-tsc (library types included), built with Vite and rendered on the server against the
 * installed `vue`, `@vueuse/core` and `convex` (`smoke.mjs`). Versions the ranges exclude, which
 * crash at runtime, must be refused by npm. CI runs it: `npm run test:compat`.
 *
 * `npm run test:compat -- <name>` runs one row.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { lockedVersion, lowestVersion, root } from './packages'

interface Row {
  name: string
  vue: string
  vueuse: string
  convex: string
  /** npm must refuse this set (outside the peer ranges). */
  refused?: boolean
}

const core = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8'))
const floor = (range: string) => lowestVersion(range, 'packages/core/package.json')
const peers = core.peerDependencies as Record<'vue' | 'convex' | '@vueuse/core', string>

const rows: Row[] = [
  { name: 'lowest', vue: floor(peers.vue), vueuse: floor(peers['@vueuse/core']), convex: floor(peers.convex) },
  { name: 'vueuse-14', vue: '^3.5.0', vueuse: '^14.0.0', convex: peers.convex },
  { name: 'newest', vue: 'latest', vueuse: 'latest', convex: 'latest' },
  { name: 'vue-3.4', vue: '3.4.38', vueuse: '^14.0.0', convex: peers.convex, refused: true },
  { name: 'vueuse-12', vue: '^3.5.0', vueuse: '^12.0.0', convex: peers.convex, refused: true },
]

// The tools are the ones this repository locks, so only the peers vary between rows.
const tools = Object.fromEntries(['vite', '@vitejs/plugin-vue', 'vue-tsc', 'typescript', '@types/node'].map(name => [name, lockedVersion(name)]))

const only = process.argv.slice(2)
const selected = only.length ? rows.filter(r => only.includes(r.name)) : rows
if (!selected.length)
  throw new Error(`No row named ${only.join(', ')}; the rows: ${rows.map(r => r.name).join(', ')}`)

const work = mkdtempSync(join(tmpdir(), 'vueuse-convex-compat-'))
const npm = (cwd: string, args: string[]) => spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' })
const run = (cwd: string, command: string, args: string[]) => execFileSync(command, args, { cwd, stdio: 'inherit' })

try {
  execFileSync('npm', ['run', 'build', '-w', '@vueuse-convex/core'], { cwd: root, stdio: 'ignore' })
  execFileSync('npm', ['pack', '-w', '@vueuse-convex/core', '--pack-destination', work, '--loglevel=error'], { cwd: root, stdio: 'ignore' })
  const tarball = join(work, readdirSync(work).find(f => f.endsWith('.tgz'))!)
  const failures: string[] = []

  for (const row of selected) {
    const app = join(work, row.name)
    mkdirSync(app)
    cpSync(join(root, 'test/compat/app'), app, { recursive: true })
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: `compat-${row.name}`,
      private: true,
      type: 'module',
      dependencies: { '@vueuse-convex/core': `file:${tarball}`, 'vue': row.vue, '@vueuse/core': row.vueuse, 'convex': row.convex },
      devDependencies: tools,
    }, null, 2))
    const started = Date.now()
    const label = `${row.name}: vue ${row.vue}, @vueuse/core ${row.vueuse}, convex ${row.convex}`
    const install = npm(app, ['install'])
    if (row.refused) {
      const refused = install.status !== 0 && /ERESOLVE/.test(install.stderr) && install.stderr.includes('@vueuse-convex/core')
      console.log(`${refused ? 'ok  ' : 'FAIL'} ${label}: ${refused ? 'refused by the peer ranges, as it must be' : 'npm installed a set the peer ranges must exclude'}`)
      if (!refused)
        failures.push(row.name)
      continue
    }
    try {
      if (install.status !== 0)
        throw new Error(`npm install failed:\n${install.stderr}`)
      const versions = ['vue', '@vueuse/core', 'convex'].map(name => `${name} ${JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version}`)
      console.log(`\n${label} (installed ${versions.join(', ')})`)
      run(app, 'npx', ['vue-tsc', '--noEmit'])
      run(app, 'npx', ['vite', 'build', '--logLevel', 'warn'])
      run(app, 'npx', ['vite', 'build', '--ssr', 'src/entry-server.ts', '--outDir', 'dist-ssr', '--logLevel', 'warn'])
      run(app, process.execPath, ['smoke.mjs'])
      console.log(`ok   ${row.name} in ${Math.round((Date.now() - started) / 1000)} s`)
    }
    catch (error) {
      console.error(`FAIL ${label}: ${(error as Error).message}`)
      failures.push(row.name)
    }
  }
  if (failures.length) {
    console.error(`\nThe compatibility matrix failed for: ${failures.join(', ')}. Rerun one row with \`npm run test:compat -- <name>\`.`)
    process.exitCode = 1
  }
}
finally {
  rmSync(work, { recursive: true, force: true })
}
