#!/usr/bin/env node
import process from 'node:process'
import { main } from './cli'

// Exits when the command is done: a stopped local backend may leave timers of the app's own
// functions (crons, scheduled functions) that would keep the process alive.
main(process.argv.slice(2)).then(code => process.exit(code), (e: unknown) => {
  process.stderr.write(`vueuse-convex: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
