/**
 * Runs a command while two CPU-bound child processes keep the machine busy, as a slow CI runner
 * or a laptop doing other work is: the suite must pass under load, so no test may depend on a
 * wall-clock budget tighter than its work needs. Each child spins for at most `--seconds`
 * (default 900) and stops by itself; both are stopped as soon as the command ends.
 *
 *   tsx scripts/cpu-load.ts [--seconds 900] -- npm run test:unit
 */
import { fork, spawn } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const BURNERS = 2

if (process.argv.includes('--burn')) {
  // A child: spin until the deadline, then leave by itself.
  const until = Date.now() + Number(process.argv[process.argv.indexOf('--burn') + 1]) * 1000
  let x = 0
  while (Date.now() < until) {
    for (let i = 0; i < 1e6; i++) x = (x * 31 + i) % 1_000_003
  }
  process.exit(x === -1 ? 1 : 0)
}

const separator = process.argv.indexOf('--')
const { values } = parseArgs({ args: process.argv.slice(2, separator < 0 ? undefined : separator), options: { seconds: { type: 'string', default: '900' } } })
const command = separator < 0 ? [] : process.argv.slice(separator + 1)
if (!command.length) {
  console.error('Usage: tsx scripts/cpu-load.ts [--seconds 900] -- <command> [args...]')
  process.exit(2)
}

const self = fileURLToPath(import.meta.url)
const burners = Array.from({ length: BURNERS }, () => fork(self, ['--burn', values.seconds!], { stdio: 'ignore', execArgv: ['--import', 'tsx'] }))
const stopBurners = () => burners.forEach(child => child.exitCode === null && child.kill())
process.on('exit', stopBurners)

const run = spawn(command[0]!, command.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' })
run.on('exit', (code, signal) => {
  stopBurners()
  process.exit(code ?? (signal ? 1 : 0))
})
