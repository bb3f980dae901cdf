// What a production build of an app gets: the readable messages are gone from the bundle, and
// each misuse still fails, with its stable code.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { makeFunctionReference } from 'convex/server'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { effectScope } from 'vue'

const root = resolve(import.meta.dirname, '../../..')
const ref = makeFunctionReference<'action'>('ai:generate')

async function bundle(env: string) {
  const result = await build({
    entryPoints: [join(root, 'packages/core/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    minify: true,
    external: ['vue', 'convex', 'convex/*', '@vueuse/core', '@vueuse/shared'],
    define: { 'process.env.NODE_ENV': JSON.stringify(env) },
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
}

describe('production builds', () => {
  let production: string
  let development: string
  let core: typeof import('..')
  beforeAll(async () => {
    ;[production, development] = await Promise.all([bundle('production'), bundle('development')])
    // Written inside the repository so that the bundle's `vue` and `convex` imports resolve.
    const dir = join(root, 'node_modules/.cache/vueuse-convex-test')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `core.production.${process.pid}.mjs`)
    writeFileSync(file, production)
    core = await import(/* @vite-ignore */ pathToFileURL(file).href)
  })

  it('drop every readable message and keep them in development', () => {
    for (const text of ['no Convex client found', 'circular reference', 'is not a supported Convex type', 'did not settle within', 'Pass a ConvexClient', 'was called with a DOM Event', 'must be a positive whole number']) {
      expect(development).toContain(text)
      expect(production).not.toContain(text)
    }
    // The messages and their helpers are over 3 KB of the minified package.
    expect(development.length - production.length).toBeGreaterThan(3000)
  })

  it('still refuse each misuse, with its stable code', async () => {
    expect(() => core.useConvexAction({} as never)).toThrow('[vueuse-convex] useConvexAction(): E1')
    const scope = effectScope()
    const { execute } = scope.run(() => core.useConvexAction(ref, { client: { action: async () => 1 } }))!
    await expect(execute([] as never)).rejects.toThrow('[vueuse-convex] useConvexAction(): E4')
    await expect(execute({ f: () => {} } as never)).rejects.toThrow('[vueuse-convex] useConvexAction(): E5')
    // A cycle is caught by the depth limit: the cycle finder is development-only.
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(execute({ cyclic } as never)).rejects.toThrow('[vueuse-convex] useConvexAction(): E5')
    await expect(execute({ n: 1 } as never)).resolves.toBe(1)
    scope.stop()
  })

  it('keep the timeout error class and its fields', async () => {
    const scope = effectScope()
    const { execute } = scope.run(() => core.useConvexAction(ref, { client: { action: () => new Promise(() => {}) }, timeout: 5 }))!
    const error = await execute().catch(e => e)
    expect(error).toBeInstanceOf(core.ConvexTimeoutError)
    expect(error.timeout).toBe(5)
    scope.stop()
  })
})

describe('in Node (server rendering, test runners)', () => {
  // Each read of process.env is a lookup in the environment there (~0.1 µs); the argument
  // walk once read it several times per value, which doubled a query's setup cost.
  it('read NODE_ENV once per arguments object, not once per value', async () => {
    const { normalizeArgs } = await import('./args')
    const args = { a: 1, b: 'two', nested: { list: [1, 2, 3, { deep: true }], more: { x: null } } }
    const env = process.env
    let reads = 0
    process.env = new Proxy(env, {
      get(target, key) {
        if (key === 'NODE_ENV')
          reads++
        return Reflect.get(target, key)
      },
    })
    try {
      expect(normalizeArgs('useConvexQuery', 'messages:list', args)).toEqual(args)
    }
    finally {
      process.env = env
    }
    expect(reads).toBe(1)
  })
})
