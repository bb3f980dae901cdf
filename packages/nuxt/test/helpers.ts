// What the Nuxt browser tests share.
import type { Buffer } from 'node:buffer'
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import process from 'node:process'
import { expect, vi } from 'vitest'

/** A TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise(resolve => probe.close(resolve))
  return port
}

/** A built Nuxt app's own Nitro server, on a free port of 127.0.0.1, talking to `convexUrl`. */
export async function startNitro(server: string, convexUrl: string): Promise<{ url: string, process: ChildProcess, output: () => string }> {
  if (!existsSync(server))
    throw new Error(`No built app at ${server}: run \`npm run test:browser\`, which builds it (npm run build:playground).`)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const nitro = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NITRO_HOST: '127.0.0.1', NUXT_PUBLIC_CONVEX_URL: convexUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk
  }
  nitro.stdout!.on('data', collect)
  nitro.stderr!.on('data', collect)
  await vi.waitFor(async () => {
    if (nitro.exitCode !== null)
      throw new Error(`The app's server exited:\n${output}`)
    expect(await fetch(url).then(r => r.status, () => 0)).toBe(200)
  }, { timeout: 20_000, interval: 100 })
  return { url, process: nitro, output: () => output }
}
