#!/usr/bin/env node
import process from 'node:process'
import { main } from './cli'

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
  // A server may still hold the event loop after a failed start.
  if (code !== 0)
    process.exit(code)
}, (e: unknown) => {
  process.stderr.write(`vueuse-convex: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
