// Bundle cost: what `import { X } from <package>` adds, minified and gzipped, to an app that
// already has vue, convex and @vueuse/core (those stay external), tree-shaken.
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const EXTERNAL = ['vue', 'convex', 'convex/*', '@vueuse/core', '@vueuse/shared']

export async function gzipBytes(specifier: string, name: string, resolveDir: string): Promise<number> {
  const result = await build({
    stdin: { contents: `export { ${name} } from ${JSON.stringify(specifier)}`, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: EXTERNAL,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length
}
