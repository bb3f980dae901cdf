// @vitest-environment node
// The public API of each package, entry point by entry point: an export that appears or
// disappears fails here until the snapshot is updated on purpose (`npx vitest -u`).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entrySource, listPackages, root } from '../scripts/packages'

/** The source file behind each entry of a package's `exports`. */
function entries(dir: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'))
  const out: Record<string, string> = {}
  for (const [subpath, target] of Object.entries<any>(manifest.exports)) {
    if (typeof target === 'object')
      out[subpath] = entrySource(dir, target.import)
  }
  return out
}

describe('public exports', () => {
  for (const pkg of listPackages()) {
    for (const [subpath, file] of Object.entries(entries(pkg.dir))) {
      it(`${pkg.name}${subpath.slice(1)}`, async () => {
        const module = await import(file)
        const shape = Object.fromEntries(Object.keys(module).sort().map(name => [name, typeof module[name]]))
        expect(shape).toMatchSnapshot()
      })
    }
  }
})
