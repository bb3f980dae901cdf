/**
 * After `npm run build`: the production size of each export of @vueuse-convex/core (and of the
 * whole package) against the figures committed in bench/results.json. Fails when one grew more
 * than 5%, when one is over its budget (SIZE_BUDGETS), or when Vue Devtools code reaches the
 * production build. `npm run bench` writes new figures.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { coreSizes, devtoolsBytesInProduction, SIZE_BUDGETS } from '../bench/size'
import { root } from './packages'

const committed = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')).size as Record<string, { gzip: number }>
const measured = await coreSizes(root)
const problems: string[] = []
const lines: string[] = []
for (const [name, bytes] of Object.entries(measured)) {
  const before = committed[name]?.gzip
  const budget = SIZE_BUDGETS[name]
  lines.push(`${name.padEnd(44)} ${String(bytes).padStart(6)} B   committed ${before ?? '-'}${budget ? `   budget ≤ ${budget}${bytes > budget ? ' (over)' : ''}` : ''}`)
  if (budget && bytes > budget)
    problems.push(`${name}: ${bytes} B is over its budget of ${budget} B (bench/size.ts SIZE_BUDGETS); make it smaller, or raise the budget in a commit that says why`)
  if (before === undefined)
    problems.push(`${name}: no committed size; run npm run bench and commit bench/results.json`)
  else if (bytes > before * 1.05)
    problems.push(`${name}: ${bytes} B is ${((bytes / before - 1) * 100).toFixed(1)}% over the committed ${before} B (limit +5%); make it smaller, or run npm run bench and commit the new figure with the reason`)
}
// Vue Devtools code must not reach a production build at all.
const devtools = await devtoolsBytesInProduction(root)
lines.push(`${'Vue Devtools in production'.padEnd(44)} ${String(devtools).padStart(6)} B   goal 0`)
if (devtools > 0)
  problems.push(`Vue Devtools code is in the production build (${devtools} B): keep it behind process.env.NODE_ENV !== 'production', outside try blocks (Rollup keeps their dead code)`)
for (const name of Object.keys(committed)) {
  if (name !== 'peer' && name !== 'devtools' && !(name in measured))
    problems.push(`${name}: committed in bench/results.json but no longer exported; run npm run bench`)
}
process.stdout.write(`${lines.join('\n')}\n`)
if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\n`)
  process.exit(1)
}
process.stdout.write('size: every export within 5% of its committed figure\n')
