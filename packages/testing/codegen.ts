// `npx vueuse-convex-codegen [convexDir]`: writes `<convexDir>/_generated/` without a
// deployment or an account, with Convex's own code generator (its offline mode), and adds the
// `components` export that offline mode leaves out when `convex.config.ts` uses components.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import process from 'node:process'

/** A component `convex.config.ts` uses: the name the app calls it by, and its package. */
export interface UsedComponent {
  name: string
  /** The import specifier of its `convex.config` (e.g. `@convex-dev/rate-limiter/convex.config`). */
  from: string
  /** The package's `_generated/component.js` types, when it ships them. */
  types?: string
}

const HELP = `Usage: vueuse-convex-codegen [convexDir]

Writes convexDir/_generated (default ./convex) offline: no deployment, no account.
Run it again after adding a module or changing a function's arguments or return type.`

/**
 * The components an app's `convex.config.ts` source uses (`app.use(x)` / `app.use(x, { name })`),
 * resolved from `dir`, each by the name its own `defineComponent("…")` gives unless renamed.
 */
export function usedComponents(source: string, dir: string): UsedComponent[] {
  const require = createRequire(join(dir, 'package.json'))
  const imports = new Map<string, string>()
  for (const m of source.matchAll(/import\s+(\w+)\s+from\s+["']([^"']+)["']/g)) imports.set(m[1], m[2])
  const used: UsedComponent[] = []
  for (const m of source.matchAll(/\.use\(\s*(\w+)\s*(?:,\s*\{[^}]*?name\s*:\s*["']([^"']+)["'][^}]*\})?/g)) {
    const from = imports.get(m[1])
    if (!from)
      continue
    let name: string | undefined = m[2]
    let types: string | undefined
    const pkg = from.replace(/\/convex\.config(\.js)?$/, '')
    try {
      const file = require.resolve(from)
      name ??= /defineComponent\(\s*["']([^"']+)["']/.exec(readFileSync(file, 'utf8'))?.[1]
      const exports = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).exports ?? {}
      if ('./_generated/component.js' in exports)
        types = `${pkg}/_generated/component.js`
    }
    catch {}
    used.push({ name: name ?? m[1], from, types })
  }
  return used
}

/** Adds the `components` export to `_generated/api.js` and `api.d.ts`. */
function addComponents(generated: string, components: UsedComponent[]): void {
  const js = join(generated, 'api.js')
  const dts = join(generated, 'api.d.ts')
  let code = readFileSync(js, 'utf8')
  if (!/export const components\b/.test(code)) {
    code = code.replace(/import \{([^}]*)\} from "convex\/server";/, (all, names: string) =>
      names.includes('componentsGeneric') ? all : `import {${names.trimEnd()}, componentsGeneric } from "convex/server";`)
    if (!code.includes('componentsGeneric }') && !code.includes('componentsGeneric,'))
      code = `import { componentsGeneric } from "convex/server";\n${code}`
    writeFileSync(js, `${code.trimEnd()}\n\nexport const components = componentsGeneric();\n`)
  }
  let types = readFileSync(dts, 'utf8')
  if (!/export declare const components\b/.test(types)) {
    const fields = components.map(c => `  ${JSON.stringify(c.name)}: ${c.types ? `import(${JSON.stringify(c.types)}).ComponentApi<${JSON.stringify(c.name)}>` : 'any'};`)
    types = `${types.trimEnd()}\n\nexport declare const components: {\n${fields.join('\n')}\n};\n`
    writeFileSync(dts, types)
  }
}

/** Writes `convexDir/_generated` offline; `cwd` is where `convex` is installed. */
export function codegen(convexDir: string, cwd = process.cwd()): void {
  const dir = resolve(cwd, convexDir)
  if (!existsSync(dir))
    throw new Error(`No Convex functions folder at ${dir}: pass its path, e.g. npx vueuse-convex-codegen ./convex`)
  const require = createRequire(join(cwd, 'package.json'))
  let convexPackage: string
  try {
    convexPackage = require.resolve('convex/package.json')
  }
  catch {
    throw new Error('The convex package is not installed here: run npm install convex first.')
  }
  const { version, bin } = JSON.parse(readFileSync(convexPackage, 'utf8'))
  const cli = join(dirname(convexPackage), typeof bin === 'string' ? bin : bin.convex)
  // Convex's generator reads ./convex and ./package.json: give it both in a scratch folder next
  // to the app, so that it resolves the app's own node_modules.
  const work = mkdtempSync(join(dirname(dir), '.vueuse-convex-codegen-'))
  try {
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', dependencies: { convex: version } }))
    symlinkSync(dir, join(work, 'convex'), 'dir')
    execFileSync(process.execPath, [cli, 'codegen', '--system-udfs', '--typecheck', 'disable'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CONVEX_DEPLOYMENT: '', CONVEX_URL: '' },
    })
  }
  catch (e) {
    const output = String((e as { stderr?: unknown }).stderr ?? '') || (e as Error).message
    throw new Error(`Convex's code generator failed for ${relative(cwd, dir) || '.'}:\n${output.trim()}`)
  }
  finally {
    rmSync(work, { recursive: true, force: true })
  }
  const config = ['convex.config.ts', 'convex.config.js'].map(file => join(dir, file)).find(existsSync)
  if (config) {
    const components = usedComponents(readFileSync(config, 'utf8'), dir)
    if (components.length)
      addComponents(join(dir, '_generated'), components)
  }
}

/** The command line: `vueuse-convex-codegen [convexDir]`; returns the exit code. */
export function main(args: string[]): number {
  if (args.includes('--help') || args.includes('-h') || args.length > 1) {
    process.stdout.write(`${HELP}\n`)
    return args.length > 1 ? 1 : 0
  }
  const dir = args[0] ?? 'convex'
  try {
    codegen(dir)
    process.stdout.write(`Wrote ${join(dir, '_generated')} (offline).\n`)
    return 0
  }
  catch (e) {
    process.stderr.write(`vueuse-convex-codegen: ${(e as Error).message}\n`)
    return 1
  }
}
