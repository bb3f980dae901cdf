// The soak test's server, in a process of its own so that its memory is measured alone:
// `vueuse-convex dev` on the soak app, driven by lines on stdin (rss, drop, stop).
import process from 'node:process'
import { startDevBackend } from '../../dev'

const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {
  throw new Error('Run with node --expose-gc.')
})

/** How long a dropped client is remembered for its replay (5 minutes by default; short here, so the test can wait it out). */
const RETENTION_MS = 5_000

async function main() {
  const dev = await startDevBackend({ cwd: process.argv[2], port: 0, sitePort: 0, dataFile: false, watch: false, typecheck: 'disable', log: () => {}, replayRetentionMs: RETENTION_MS } as Parameters<typeof startDevBackend>[0])
  send({ url: dev.url, retentionMs: RETENTION_MS })

  let input = ''
  process.stdin.on('data', async (chunk) => {
    input += chunk
    let newline = input.indexOf('\n')
    while (newline >= 0) {
      const command = input.slice(0, newline).trim()
      input = input.slice(newline + 1)
      newline = input.indexOf('\n')
      if (command === 'rss') {
      // Collected until it stops shrinking: what is left is what the server holds.
      // V8 gives freed pages back to the system after a while of idleness: wait for it.
        for (let i = 0; i < 10; i++) {
          gc()
          await new Promise(resolve => setTimeout(resolve, 300))
        }
        const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
        send({ rss, heapUsed, external, arrayBuffers, connections: dev.backend!.connectionCount })
      }
      else if (command === 'drop') {
        dev.backend!.disconnect()
        send({ dropped: true })
      }
      else if (command === 'stop') {
        await dev.close()
        process.exit(0)
      }
    }
  })
}

void main()
