/**
 * Regenerates docs/convex/_generated offline (no deployment needed), with Convex's own
 * code generator. Run after changing a function's signature: `npm run codegen`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './packages'

const dirs = ['docs/convex']
for (const dir of dirs) {
  const work = mkdtempSync(join(tmpdir(), 'vueuse-convex-codegen-'))
  try {
    const version = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("convex/package.json").version)'], { cwd: root, encoding: 'utf8' }))
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', dependencies: { convex: version } }))
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'))
    symlinkSync(join(root, dir), join(work, 'convex'))
    execFileSync(join(root, 'node_modules/.bin/convex'), ['codegen', '--system-udfs', '--typecheck', 'disable'], { cwd: work, stdio: 'inherit' })
  }
  finally {
    rmSync(work, { recursive: true, force: true })
  }
}
