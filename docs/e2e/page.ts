// What the browser tests read off a page and keep of it for the docs.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const cache = fileURLToPath(new URL('../../node_modules/.cache/screenshots', import.meta.url))
const guide = fileURLToPath(new URL('../guide', import.meta.url))

/**
 * Takes a screenshot for the docs with `take(path)`: every run writes it under
 * node_modules/.cache/screenshots, and `UPDATE_SCREENSHOTS=1 npm run test:browser` also
 * rewrites the committed one, docs/guide/<name>.
 */
export async function saveScreenshot(name: string, take: (path: string) => Promise<unknown>): Promise<void> {
  for (const dir of process.env.UPDATE_SCREENSHOTS ? [cache, guide] : [cache]) {
    mkdirSync(dir, { recursive: true })
    await take(join(dir, name))
  }
}

/** The text of a frame as it reads on screen, a row or field per line (`innerText`, not `textContent`). */
export function visibleText(frame: { evaluate: (fn: () => string) => Promise<string> }): Promise<string> {
  // eslint-disable-next-line unicorn/prefer-dom-node-text-content
  return frame.evaluate(() => document.body.innerText)
}
