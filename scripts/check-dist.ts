/**
 * After `npm run build`: each package's built entry loads in plain Node and exports exactly
 * what its source exports, with type declarations beside it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { entrySource, listPackages, root } from './packages'

const problems: string[] = []
for (const pkg of listPackages()) {
  const dir = join(root, 'packages', pkg.dir)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  for (const [subpath, target] of Object.entries<any>(manifest.exports)) {
    if (typeof target !== 'object')
      continue
    for (const file of [target.import, target.types]) {
      if (!existsSync(join(dir, file)))
        problems.push(`${manifest.name}${subpath.slice(1)}: ${file} is missing (run npm run build)`)
    }
  }
  const built = await import(pathToFileURL(join(dir, manifest.exports['.'].import)).href)
  const source = await import(pathToFileURL(entrySource(pkg.dir, manifest.exports['.'].import)).href)
  const missing = Object.keys(source).filter(name => !(name in built))
  const extra = Object.keys(built).filter(name => !(name in source))
  if (missing.length || extra.length)
    problems.push(`${manifest.name}: the build exports differ from the source (missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'})`)
}
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
process.stdout.write('dist: every package loads and exports what its source exports\n')
