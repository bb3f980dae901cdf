// Peer libraries the benchmarks compare with, installed on demand into bench/.tmp (ignored by
// git) rather than as development dependencies: convex-vue declares Node >= 22, and the
// development set-up installs cleanly on Node 20. Their peers (vue, convex) resolve from the root.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const PEERS = { 'convex-vue': '0.1.5' }
export const peersDir = join(import.meta.dirname, '.tmp')

const missing = Object.entries(PEERS).filter(([name]) => !existsSync(join(peersDir, 'node_modules', name, 'package.json')))
if (missing.length) {
  mkdirSync(peersDir, { recursive: true })
  writeFileSync(join(peersDir, 'package.json'), '{ "private": true }\n')
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--engine-strict=false', '--loglevel=error', ...missing.map(([name, version]) => `${name}@${version}`)], { cwd: peersDir, stdio: 'inherit' })
}
