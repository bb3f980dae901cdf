// The components of `vueuse-convex dev`: the ones the app's `convex.config.ts` uses, loaded from
// each package's `/test` entry (what `convex-test` registers a component with) to run in memory.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { usedComponents } from '../codegen'

/** The components `dir`'s `convex.config.ts` uses, by name: each package's `/test` entry. */
export async function loadComponents(dir: string): Promise<Record<string, any>> {
  const config = ['convex.config.ts', 'convex.config.js'].map(file => join(dir, file)).find(existsSync)
  if (!config)
    return {}
  const require = createRequire(join(dir, 'package.json'))
  const result: Record<string, any> = {}
  for (const component of usedComponents(readFileSync(config, 'utf8'), dir)) {
    const entry = `${component.from.replace(/\/convex\.config(?:\.js)?$/, '')}/test`
    try {
      result[component.name] = (await import(pathToFileURL(require.resolve(entry)).href)).default
    }
    catch {
      throw new Error(`The component "${component.name}" (${component.from}) has no test entry (${entry}) to run it in memory.`)
    }
  }
  return result
}
