// Turns each function folder's index.md into its docs page: a header derived from the code
// (category, bundle size, source links), the live demo, and the type declarations.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import ts from 'typescript'
import { repositoryUrl } from '../../scripts/packages'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** Where source links point: the repository of the root package.json (a fork may set DOCS_REPO_URL). */
const REPO = (process.env.DOCS_REPO_URL ?? `${repositoryUrl()}/blob/main`).replace(/\/$/, '')

function sourceLink(path: string, label: string): string {
  return `<a href="${REPO}/${path}" target="_blank" rel="noreferrer">${label}</a>`
}

/** Minified + gzipped bytes the function's module adds next to vue, convex and @vueuse. */
async function gzipSize(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(entry)}`, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'neutral',
    external: ['vue', '@vueuse/*', 'convex', 'convex/*', 'convex-test', 'node:*'],
    logLevel: 'silent',
  })
  return gzipSync(result.outputFiles[0].contents).length
}

function declarations(file: string): string {
  const { outputText } = ts.transpileDeclaration(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { declaration: true, removeComments: true },
  })
  return outputText.split('\n').filter(line => !/^(?:import|export \{)/.test(line)).join('\n').trim()
}

const cache = new Map<string, number>()

export function functionPages() {
  return {
    name: 'vueuse-convex:function-pages',
    enforce: 'pre' as const,
    async transform(code: string, id: string) {
      const match = /packages\/([^/]+)\/([^/]+)\/index\.md$/.exec(id.replace(/\\/g, '/'))
      if (!match)
        return null
      const [, pkg, name] = match
      const dir = dirname(id)
      const rel = relative(root, dir).replace(/\\/g, '/')
      const category = /^category:[ \t]*(\S.*)$/m.exec(code)?.[1] ?? ''
      let size = cache.get(dir)
      if (size === undefined) {
        size = await gzipSize(`./${rel}/index.ts`)
        cache.set(dir, size)
      }
      const hasDemo = existsSync(join(dir, 'demo.vue'))
      const header = [
        `<div class="function-info">`,
        `<span><b>Category</b> ${category}</span>`,
        `<span><b>Package</b> <code>@vueuse-convex/${pkg}</code></span>`,
        `<span><b>Size</b> ${(size / 1024).toFixed(2)} kB gzip</span>`,
        `<span><b>Source</b> ${sourceLink(`${rel}/index.ts`, 'index.ts')}${hasDemo ? ` · ${sourceLink(`${rel}/demo.vue`, 'demo.vue')}` : ''}</span>`,
        `</div>`,
      ].join('\n')
      const demo = hasDemo
        ? `\n## Demo\n\n<div class="demo" data-demo="${name}">\n<ClientOnly>\n<Demo />\n</ClientOnly>\n</div>\n`
        : ''
      // The header and the demo go after the one-sentence intro, before the first section.
      const cut = code.search(/^## /m)
      const before = cut < 0 ? code : code.slice(0, cut)
      const after = cut < 0 ? '' : code.slice(cut)
      const types = `\n## Type declarations\n\n\`\`\`ts\n${declarations(join(dir, 'index.ts'))}\n\`\`\`\n`
      const script = hasDemo ? `\n<script setup>\nimport Demo from './demo.vue'\n</script>\n` : ''
      return `${before.trimEnd()}\n\n${header}\n${demo}\n${after}${types}${script}`
    },
  }
}
