// Turns each function folder's index.md into its docs page: a header derived from the code
// (category, bundle size, source links), the live demo, and the type declarations.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { repositoryUrl } from '../../scripts/packages'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** Where source links point: the repository of the root package.json (a fork may set DOCS_REPO_URL). */
const REPO = (process.env.DOCS_REPO_URL ?? `${repositoryUrl()}/blob/main`).replace(/\/$/, '')

function sourceLink(path: string, label: string): string {
  return `<a href="${REPO}/${path}" target="_blank" rel="noreferrer">${label}</a>`
}

/**
 * The production sizes `npm run bench` measured and committed (bench/results.json, which
 * `npm run check:size` keeps within 5% of the code): the one figure the docs show, here and on
 * the Performance page.
 */
function committedSize(name: string): number | undefined {
  const results = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'))
  return results.size?.[name]?.gzip
}

function declarations(file: string): string {
  const { outputText } = ts.transpileDeclaration(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { declaration: true, removeComments: true },
  })
  return outputText.split('\n').filter(line => !/^(?:import|export \{)/.test(line)).join('\n').trim()
}

let program: ts.Program | undefined
/** One TypeScript program over every function's code, made on first use. */
function checkerFor(file: string): { checker: ts.TypeChecker, source: ts.SourceFile } {
  const configPath = join(root, 'tsconfig.json')
  if (!program?.getSourceFile(file)) {
    const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
    const files = config.fileNames.filter(f => /packages\/[^/]+\/[^/_][^/]*\/index\.ts$/.test(f.replace(/\\/g, '/')))
    program = ts.createProgram([...files, file], config.options)
  }
  return { checker: program.getTypeChecker(), source: program.getSourceFile(file)! }
}

/** A `@default` as shown: a value in code style with its note after it (`0` (no timeout)); prose as written. */
function defaultText(text: string): string {
  const value = /^([^\s(`]+|\{[^}]*\}|\[[^\]]*\])(\s+\(.*\))?$/.exec(text)
  return value ? `\`${value[1]}\`${value[2] ?? ''}` : text
}

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()

/**
 * The table of an exported interface's members, from its JSDoc: the docs' one source. Throws
 * (failing the docs build) when a member has no description, or an option no `@default`.
 */
function membersTable(file: string, name: string, kind: 'options' | 'returns'): string {
  const { checker, source } = checkerFor(file)
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find(s => s.name === name)
  if (!symbol)
    throw new Error(`${relative(root, file)}: the page asks for the members of ${name}, which it does not export`)
  const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol)
  const rows: string[] = []
  for (const member of checker.getPropertiesOfType(type)) {
    if (member.name === 'then')
      continue // the awaitable side of a return value, documented in prose
    const declaration = member.declarations?.find(d => ts.getJSDocCommentsAndTags(d).length) ?? member.declarations?.[0]
    const description = ts.displayPartsToString(member.getDocumentationComment(checker)).trim()
    if (!declaration || !description)
      throw new Error(`${relative(root, file)}: ${name}.${member.name} has no JSDoc; describe it there (the docs table is made from it)`)
    let typeText = 'unknown'
    if (ts.isMethodSignature(declaration))
      typeText = `(${declaration.parameters.map(p => p.getText()).join(', ')}) => ${declaration.type?.getText() ?? 'void'}`
    else if ((ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.type)
      typeText = declaration.type.getText()
    const optional = !!(member.flags & ts.SymbolFlags.Optional)
    const tag = member.getJsDocTags(checker).find(t => t.name === 'default')
    const fallback = tag ? ts.displayPartsToString(tag.text).trim() : ''
    if (kind === 'options' && optional && !fallback)
      throw new Error(`${relative(root, file)}: ${name}.${member.name} is optional but has no @default in its JSDoc`)
    const summary = description.split(/\n\s*\n/)[0]
    rows.push(kind === 'options'
      ? `| \`${member.name}\` | \`${cell(typeText)}\` | ${fallback ? cell(defaultText(fallback)) : 'required'} | ${cell(summary)} |`
      : `| \`${member.name}\` | \`${cell(typeText)}\` | ${cell(summary)} |`)
  }
  const head = kind === 'options' ? '| Option | Type | Default | What it does |\n|---|---|---|---|' : '| Property | Type | Description |\n|---|---|---|'
  return `${head}\n${rows.join('\n')}`
}

/**
 * Replaces each `<!-- options Name -->` / `<!-- returns Name -->` line of a page with the
 * generated table; a hand-written options or return table fails the build.
 */
export function memberTables(code: string, file: string): string {
  if (/^\| (?:Option|Property)\b[^\n]*\|\n\|-/m.test(code))
    throw new Error(`${relative(root, file.replace(/index\.ts$/, 'index.md'))}: write <!-- options Name --> or <!-- returns Name --> instead of a hand-written table: it is generated from the JSDoc`)
  return code.replace(/^<!-- (options|returns) (\w+) -->$/gm, (_, kind: 'options' | 'returns', name: string) => membersTable(file, name, kind))
}

export function functionPages() {
  return {
    name: 'vueuse-convex:function-pages',
    enforce: 'pre' as const,
    transform(code: string, id: string) {
      const match = /packages\/([^/]+)\/([^/]+)\/index\.md$/.exec(id.replace(/\\/g, '/'))
      if (!match)
        return null
      const [, pkg, name] = match
      const dir = dirname(id)
      const rel = relative(root, dir).replace(/\\/g, '/')
      const category = /^category:[ \t]*(\S.*)$/m.exec(code)?.[1] ?? ''
      // A function of a subpath entry (`entry: loaders`) is imported from it.
      const entry = /^entry:[ \t]*(\S+)$/m.exec(code)?.[1]
      const size = committedSize(name)
      const hasDemo = existsSync(join(dir, 'demo.vue'))
      const header = [
        `<div class="function-info">`,
        `<span><b>Category</b> ${category}</span>`,
        `<span><b>Package</b> <code>@vueuse-convex/${pkg}${entry && entry !== 'index' ? `/${entry}` : ''}</code></span>`,
        size === undefined ? '' : `<span><b>Size</b> <a href="/guide/performance#bundle-cost">${size.toLocaleString('en')} B</a> min+gzip in a production build</span>`,
        `<span><b>Source</b> ${sourceLink(`${rel}/index.ts`, 'index.ts')}${hasDemo ? ` · ${sourceLink(`${rel}/demo.vue`, 'demo.vue')}` : ''}</span>`,
        `</div>`,
      ].filter(Boolean).join('\n')
      const demo = hasDemo
        ? `\n## Demo\n\n<div class="demo" data-demo="${name}">\n<ClientOnly>\n<Demo />\n</ClientOnly>\n</div>\n`
        : ''
      // The header and the demo go after the one-sentence intro, before the first section.
      code = memberTables(code, join(dir, 'index.ts'))
      const cut = code.search(/^## /m)
      const before = cut < 0 ? code : code.slice(0, cut)
      const after = cut < 0 ? '' : code.slice(cut)
      const types = `\n## Type declarations\n\n\`\`\`ts\n${declarations(join(dir, 'index.ts'))}\n\`\`\`\n`
      const script = hasDemo ? `\n<script setup>\nimport Demo from './demo.vue'\n</script>\n` : ''
      return `${before.trimEnd()}\n\n${header}\n${demo}\n${after}${types}${script}`
    },
  }
}
