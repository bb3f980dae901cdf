// The `vueuse-convex` command: `dev` (a local backend), `codegen` (`_generated/` offline), and
// `export` / `import` (its data to and from Convex's snapshot ZIP).
import type { DevBackendOptions } from './dev'
import process from 'node:process'
import { exportCommand, importCommand } from './_dev/data'
import { main as codegenMain } from './codegen'
import { startDevBackend } from './dev'

const HELP = `Usage: vueuse-convex <command> [convexDir] [options]

Commands:
  dev [convexDir]      A local backend for development: your convex/ functions in memory,
                       served at http://127.0.0.1:3210 (HTTP actions at :3211), deployed
                       again on every save, the data kept in .vueuse-convex/ (each write
                       on disk before it is acknowledged).
                       No account, no network. For development only: it has no authentication.
  codegen [convexDir]  Writes convexDir/_generated offline (default ./convex).
  export --path <file.zip> [--data <folder>]
                       Writes the data as a Convex snapshot ZIP, for npx convex import.
  import <file.zip> [--data <folder>]
                       Replaces the data with a Convex snapshot ZIP's (npx convex export);
                       what was there is moved aside into <folder>/reset-<time>/.

Options of dev:
  --port <n>           Port of the deployment URL (default 3210; 0: any free one)
  --site-port <n>      Port of the HTTP actions URL (default 3211)
  --host <address>     Interface to listen on (default 127.0.0.1; keep it on loopback)
  --data <folder>      Where the data is kept (default .vueuse-convex; a path ending in .json:
                       the data file of earlier versions, read into its folder once)
  --no-data            Keep the data in memory only
  --reset-data         Start empty: the data files are moved aside first, into
                       <folder>/reset-<time>/ (e.g. when they cannot be read)
  --no-watch           Do not deploy again on changes

When your app outgrows it, the same convex/ deploys to Convex: npx convex dev (then
npx convex deploy), with the URL it prints in the same VITE_CONVEX_URL.`

/** Parses `dev`'s arguments; a string is the message of a usage error. */
export function parseDevArgs(args: string[]): DevBackendOptions | string {
  const options: DevBackendOptions = {}
  const value = (i: number, name: string) => {
    const v = args[i + 1]
    if (v === undefined || v.startsWith('--'))
      throw new Error(`${name} needs a value.`)
    return v
  }
  const port = (text: string, name: string) => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new Error(`${name} takes a port from 0 to 65535, not ${JSON.stringify(text)}.`)
    return n
  }
  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]
      switch (arg) {
        case '--port': options.port = port(value(i++, arg), arg)
          break
        case '--site-port': options.sitePort = port(value(i++, arg), arg)
          break
        case '--host': options.host = value(i++, arg)
          break
        case '--data': options.dataFile = value(i++, arg)
          break
        case '--no-data': options.dataFile = false
          break
        case '--reset-data': options.resetData = true
          break
        case '--no-watch': options.watch = false
          break
        default:
          if (arg.startsWith('-') || options.convexDir !== undefined)
            throw new Error(`Unknown argument ${JSON.stringify(arg)}.`)
          options.convexDir = arg
      }
    }
  }
  catch (e) {
    return (e as Error).message
  }
  return options
}

/** The command line; resolves with the exit code (`dev` resolves only when stopped). */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'codegen')
    return codegenMain(rest)
  if (command === 'export' || command === 'import') {
    const write = (text: string) => process.stderr.write(`${text}\n`)
    return (command === 'export' ? exportCommand : importCommand)(rest, process.cwd(), write)
  }
  if (command !== 'dev') {
    process.stdout.write(`${HELP}\n`)
    return command === undefined || command === '--help' || command === '-h' ? 0 : 1
  }
  const options = parseDevArgs(rest)
  if (typeof options === 'string') {
    process.stderr.write(`vueuse-convex dev: ${options}\n\n${HELP}\n`)
    return 1
  }
  let dev: Awaited<ReturnType<typeof startDevBackend>>
  try {
    dev = await startDevBackend(options)
  }
  catch (e) {
    process.stderr.write(`vueuse-convex dev: ${(e as Error).message}\n`)
    return 1
  }
  return new Promise<number>((resolve) => {
    const stop = () => void dev.close().then(() => resolve(0))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
