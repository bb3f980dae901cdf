// The fixture's Convex backend (its convex/ folder, with @convex-dev/better-auth's component)
// on vueuse-convex's in-memory backend, served over HTTP and WebSocket, and the built Nuxt app
// (`nuxi build`, run by `npm test` first) on its own Nitro server in front of it, for every test
// file: the tests talk to them as a browser talks to an app and its deployment.
import type { TestProject } from 'vitest/node'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import betterAuth from '@convex-dev/better-auth/test'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'

const modules = import.meta.glob(['../convex/**/*.*s', '!**/*.d.ts'])
const nitroEntry = fileURLToPath(new URL('../.output/server/index.mjs', import.meta.url))

declare module 'vitest' {
  export interface ProvidedContext {
    /** The deployment's URL, for `new ConvexClient(url)`. */
    convexUrl: string
    /** The Nuxt app's URL; Better Auth's routes are under `/api/auth` there. */
    appUrl: string
  }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise(resolve => probe.close(resolve))
  return port
}

export default async function setup(project: TestProject) {
  if (!existsSync(nitroEntry))
    throw new Error('No built Nuxt app: run `npm test`, which runs `nuxi build` first.')
  const convex = createTestConvex({ modules, components: { betterAuth }, env: { BETTER_AUTH_SECRET: 'a-test-secret-of-at-least-32-characters' } })
  const server = await serveTestConvex(convex.backend)
  const appUrl = `http://127.0.0.1:${await freePort()}`
  // Better Auth's own URL is the app's, which serves its routes.
  convex.backend.setEnv('SITE_URL', appUrl)
  const nitro = spawn(process.execPath, [nitroEntry], {
    env: { ...process.env, PORT: new URL(appUrl).port, HOST: '127.0.0.1', NODE_ENV: 'production', NUXT_PUBLIC_CONVEX_URL: server.url, NUXT_CONVEX_SITE_URL: server.siteUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  nitro.stdout.on('data', chunk => output += chunk)
  nitro.stderr.on('data', chunk => output += chunk)
  for (let started = Date.now(); ; await new Promise(resolve => setTimeout(resolve, 100))) {
    if (nitro.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`The Nuxt app's server did not start:\n${output}`)
    if (await fetch(appUrl).then(r => r.ok, () => false))
      break
  }
  project.provide('convexUrl', server.url)
  project.provide('appUrl', appUrl)
  return async () => {
    nitro.kill()
    await server.close()
    await convex.close()
  }
}
