/**
 * After `npm run build`: each package's built entry loads in plain Node and exports exactly
 * what its source exports, with type declarations beside it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
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
// The packages' own declarations compile with skipLibCheck off (every name they use declared),
// and the Nuxt module types the `convex` key of nuxt.config: a misspelt option is an error.
// Inside the Nuxt package, where @nuxt/schema is installed.
const scratch = join(root, 'packages/nuxt/node_modules/.cache/dist-types')
rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch, { recursive: true })
const declarations = listPackages().flatMap((pkg) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg.dir, 'package.json'), 'utf8'))
  return Object.values<any>(manifest.exports).filter(t => typeof t === 'object').map(t => join(root, 'packages', pkg.dir, t.types))
})
// The Nuxt module's runtime files (plugin, route middleware, server utilities), which Nuxt and
// Nitro import from dist/runtime; `#imports` is Nitro's, declared here as Nitro declares it.
const runtime = join(root, 'packages/nuxt/dist/runtime')
declarations.push(...readdirSync(runtime, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.d.mts')).map(f => join(runtime, f)))
writeFileSync(join(scratch, 'nitro-imports.d.ts'), `declare module '#imports' {
  export function useRuntimeConfig(event?: unknown): { public: Record<string, any> }
}
`)
writeFileSync(join(scratch, 'nuxt-config.ts'), `import type { NuxtConfig } from '@nuxt/schema'
import type {} from '@vueuse-convex/nuxt'

export const config: NuxtConfig = { modules: ['@vueuse-convex/nuxt'], convex: { url: 'https://example.convex.cloud', autoImports: false, auth: { cookie: 'convex-token', redirectTo: '/login' } } }
// @ts-expect-error a misspelt option of the module
export const typo: NuxtConfig = { convex: { ulr: 'https://example.convex.cloud' } }
// @ts-expect-error a misspelt auth option
export const authTypo: NuxtConfig = { convex: { auth: { cokie: 'convex-token' } } }
`)
writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'preserve', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: ['node'] },
  files: ['nuxt-config.ts', 'nitro-imports.d.ts', ...declarations.map(file => relative(scratch, file))],
}))
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], { cwd: scratch, encoding: 'utf8' })
// Every declaration file is checked; the errors that count are in ours and in the scratch file
// (a dependency's own declarations are its business).
const ours = new Set([join(scratch, 'nuxt-config.ts'), ...declarations])
for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
  const file = /^(.+?)\(\d+,\d+\): error TS/.exec(line)?.[1]
  if (file && ours.has(resolve(scratch, file)))
    problems.push(`types: ${relative(root, resolve(scratch, file))}${line.slice(file.length)}`)
}
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
process.stdout.write('dist: every package loads, exports what its source exports, and its declarations compile (skipLibCheck off for them)\n')
