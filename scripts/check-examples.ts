/**
 * Type-checks every `ts` and `vue` code block of the docs and READMEs against the real
 * packages and the docs' Convex backend (`docs/convex`), so an example cannot drift from the
 * API it shows. Part of `npm run typecheck`.
 *
 * - Blocks are checked as the reader would paste them into an app with auto-imports: the
 *   globals in `scripts/examples.d.ts` stand for what every example assumes (the packages'
 *   exports, Vue's API, `api`, and the app's own helpers such as `router`).
 * - Any import of `…/convex/<file>` (`../convex`, `~~/convex`, `./convex`) means the docs'
 *   backend; a block starting with `// convex/<file>.ts`, or titled ` ```ts [convex/<file>.ts] `,
 *   is a backend file (its `./` imports resolve in `docs/convex`).
 * - A line marked `// ✗` must fail to compile (the examples that show a type error).
 * - A fence written ` ```ts no-check ` is skipped (signatures and fragments of other tools).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { projectFiles, root } from './packages'

/** One fenced block of a Markdown file. */
export interface Example {
  /** The Markdown file, relative to the root. */
  file: string
  /** 1-based line of the block's first code line in that file. */
  line: number
  lang: 'ts' | 'vue'
  code: string
  /** The file the block is, from a VitePress title (` ```ts [convex/messages.ts] `). */
  title?: string
}

/** Every ```ts / ```vue block of the given Markdown files, minus the ones fenced `no-check`. */
export function extractExamples(files: string[], base = root): Example[] {
  const out: Example[] = []
  for (const file of files) {
    const lines = readFileSync(join(base, file), 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      const fence = /^```(ts|vue)(?: (.*))?$/.exec(lines[i]!)
      if (!fence)
        continue
      const end = lines.indexOf('```', i + 1)
      if (end < 0)
        throw new Error(`${file}:${i + 1}: a code block is never closed`)
      const title = /\[([^\]]+)\]/.exec(fence[2] ?? '')?.[1]
      if (!fence[2]?.split(/\s+/).includes('no-check'))
        out.push({ file, line: i + 2, lang: fence[1] as 'ts' | 'vue', code: lines.slice(i + 1, end).join('\n'), title })
      i = end
    }
  }
  return out
}

const backend = join(root, 'docs/convex')

/** The block as a file of the scratch project: imports of the app's convex/ folder point at the docs' backend. */
function toSource(example: Example): string {
  const backendFile = /^\/\/ convex\/\S+\.ts/.test(example.code) || !!example.title?.startsWith('convex/')
  let code = example.code.replace(/(['"])(?:\.{1,2}\/|~~\/|~\/|@\/)+convex\/([^'"]+)\1/g, (_, q, rest) => `${q}${backend}/${rest}${q}`)
  if (backendFile)
    code = code.replace(/(['"])\.\/([^'"]+)\1/g, (_, q, rest) => `${q}${backend}/${rest}${q}`)
  if (example.lang === 'ts')
    return `${code}\nexport {}\n`
  return code
}

export interface ExampleProblem {
  example: Example
  /** Line in the Markdown file. */
  line: number
  message: string
}

/** Compiles the examples with vue-tsc in a scratch project; returns what is wrong, mapped back to the Markdown. */
export function checkExamples(examples: Example[], scratch = join(root, 'node_modules/.cache/doc-examples')): ExampleProblem[] {
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(join(scratch, 'src'), { recursive: true })
  const byFile = new Map<string, Example>()
  examples.forEach((example, i) => {
    const name = `src/${example.file.replace(/\W+/g, '_')}_${example.line}_${i}.${example.lang}`
    writeFileSync(join(scratch, name), toSource(example))
    byFile.set(name, example)
    // The app's own components (`import App from './App.vue'`) exist, empty.
    for (const [, component] of example.code.matchAll(/from '\.\/(\w+\.vue)'/g))
      writeFileSync(join(scratch, 'src', component!), '<template><div /></template>\n')
  })
  const rootPaths: Record<string, string[]> = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions.paths
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
    extends: relative(scratch, join(root, 'tsconfig.json')),
    compilerOptions: {
      noUnusedLocals: false,
      noUnusedParameters: false,
      // The root's paths, and Nuxt's types from where the Nuxt package installs them (nuxt.config blocks).
      paths: {
        ...Object.fromEntries(Object.entries(rootPaths).map(([name, targets]) => [name, targets.map(target => join(root, target))])),
        '@nuxt/schema': [join(root, 'packages/nuxt/node_modules/@nuxt/schema')],
        // The module's `#convex` alias of the app's convex/ folder.
        '#convex/*': [join(root, 'docs/convex/*')],
      },
    },
    // The root's `exclude` names node_modules, where the scratch project lives.
    exclude: [],
    include: ['src/**/*.ts', 'src/**/*.vue', relative(scratch, join(root, 'scripts/examples.d.ts'))],
  }, null, 2))
  let output = ''
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '--pretty', 'false', '-p', join(scratch, 'tsconfig.json')], { cwd: scratch, encoding: 'utf8', stdio: 'pipe' })
  }
  catch (error) {
    const { stdout, stderr } = error as { stdout?: string, stderr?: string }
    output = `${stdout ?? ''}${stderr ?? ''}`
  }
  const problems: ExampleProblem[] = []
  const failing = new Set<string>()
  for (const match of output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/gm)) {
    const name = relative(scratch, join(scratch, match[1]!)).replace(/\\/g, '/')
    const example = byFile.get(name)
    if (!example) {
      problems.push({ example: { file: name, line: 0, lang: 'ts', code: '' }, line: Number(match[2]), message: match[3]! })
      continue
    }
    const at = Number(match[2])
    failing.add(`${name}:${at}`)
    if (!example.code.split('\n')[at - 1]?.includes('// ✗'))
      problems.push({ example, line: example.line + at - 1, message: match[3]! })
  }
  for (const [name, example] of byFile) {
    example.code.split('\n').forEach((text, i) => {
      if (text.includes('// ✗') && !failing.has(`${name}:${i + 1}`))
        problems.push({ example, line: example.line + i, message: 'marked `// ✗` but compiles: the example promises a type error that does not happen' })
    })
  }
  if (!output.includes('error TS') && output.trim())
    problems.push({ example: { file: 'vue-tsc', line: 0, lang: 'ts', code: '' }, line: 0, message: output.trim() })
  return problems
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const files = projectFiles().filter(f => f.endsWith('.md') && !f.endsWith('CHANGELOG.md') && !f.includes('/_template/') && !f.startsWith('test/fixtures/') && !/^packages\/testing\/test\/components-[^/]+\//.test(f) && !/^packages\/[^/]+\/[^/]+\/README\.md$/.test(f))
  const examples = extractExamples(files)
  const problems = checkExamples(examples)
  for (const p of problems)
    console.error(`${p.example.file}:${p.line}: ${p.message}`)
  if (problems.length) {
    console.error(`\n${problems.length} problem(s) in the docs' code examples. Fix the example (or the API), or fence a block that is not meant to compile as \`\`\`ts no-check.`)
    process.exit(1)
  }
  console.log(`${examples.length} code examples in ${new Set(examples.map(e => e.file)).size} files type-check.`)
}
