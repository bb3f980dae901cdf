// The `vueuse-convex` command: `dev` (a local backend), `codegen` (`_generated/` offline),
// `env` (the local deployment's environment variables), and `export` / `import` (its data to and
// from Convex's snapshot ZIP).
import type { ParseArgsConfig } from 'node:util'
import type { TypecheckMode } from './_dev/typecheck'
import type { DevBackendOptions } from './dev'
import { Buffer } from 'node:buffer'
import { relative, resolve } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { exportCommand, importCommand } from './_dev/data'
import { envFileFor, invalidName, readDotenv, readEnvFile, writeEnvFile } from './_dev/env'
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
  env set <NAME> <value> | env set --env-file <file>
                       Sets variables of the local deployment, kept with its data in
                       .vueuse-convex/env.json (as npx convex env set does); a running dev
                       deploys again with them. Without a value, it is read from stdin.
  env get <NAME>       Prints a variable's value.
  env list [--names-only]
                       Prints every variable, as NAME=value lines (a dotenv file).
  env remove <NAME>    Removes a variable (also: rm, unset).
                       env takes --data <folder> as dev does (the variables live beside the data).
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
  --typecheck <mode>   Type-check the functions with your project's TypeScript on every deploy
                       (tsc --project convexDir): try (default) reports errors and deploys
                       anyway, enable refuses to deploy them, disable skips it
  --env-file <file>    A dotenv file whose variables the functions also see (over env set's);
                       a change to it deploys again. Functions never see the shell's variables:
                       only these, and CONVEX_CLOUD_URL / CONVEX_SITE_URL (the served URLs).
  -h, --help           This help

When your app outgrows it, the same convex/ deploys to Convex: npx convex dev (then
npx convex deploy), with the URL it prints in the same VITE_CONVEX_URL.`

/** Arguments as `node:util`'s parseArgs reads them, its errors as one line that names the option. */
function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  }
  catch (e) {
    const { code, message } = e as NodeJS.ErrnoException
    const option = /'(-[-\w]+)/.exec(message)?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new Error(`Unknown option ${option}.`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new Error(`${option?.split(' ')[0]} needs a value.`)
    throw new Error(message.split('\n')[0])
  }
}

const DEV_OPTIONS = {
  'port': { type: 'string' },
  'site-port': { type: 'string' },
  'host': { type: 'string' },
  'data': { type: 'string' },
  'no-data': { type: 'boolean' },
  'reset-data': { type: 'boolean' },
  'no-watch': { type: 'boolean' },
  'typecheck': { type: 'string' },
  'env-file': { type: 'string' },
} as const

const TYPECHECK_MODES = ['enable', 'try', 'disable'] as const

/** Parses `dev`'s arguments; a string is the message of a usage error. */
export function parseDevArgs(args: string[]): DevBackendOptions | string {
  const port = (text: string | undefined, name: string) => {
    if (text === undefined)
      return undefined
    const n = Number(text)
    if (!/^\d+$/.test(text) || n > 65535)
      throw new Error(`${name} takes a port from 0 to 65535, not ${JSON.stringify(text)}.`)
    return n
  }
  try {
    const { values, positionals } = parse(args, DEV_OPTIONS)
    if (positionals.length > 1)
      throw new Error(`Unknown argument ${JSON.stringify(positionals[1])}.`)
    if (values.data !== undefined && values['no-data'])
      throw new Error('--data and --no-data contradict each other: pass one.')
    const typecheck = values.typecheck
    if (typecheck !== undefined && !(TYPECHECK_MODES as readonly string[]).includes(typecheck))
      throw new Error(`--typecheck takes enable, try or disable, not ${JSON.stringify(typecheck)}.`)
    const options: DevBackendOptions = {
      convexDir: positionals[0],
      port: port(values.port, '--port'),
      sitePort: port(values['site-port'], '--site-port'),
      host: values.host,
      dataFile: values['no-data'] ? false : values.data,
      resetData: values['reset-data'],
      watch: values['no-watch'] ? false : undefined,
      typecheck: typecheck as TypecheckMode | undefined,
      envFile: values['env-file'],
    }
    // Only what was given: the rest keeps startDevBackend's defaults.
    return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as DevBackendOptions
  }
  catch (e) {
    return (e as Error).message
  }
}

/** A value for `NAME=value` lines that a dotenv file reads back as it was. */
function dotenvValue(value: string): string {
  return /^[\w.,:/@%+=-]*$/.test(value) ? value : JSON.stringify(value)
}

/** All of standard input (a piped value: `pbpaste | vueuse-convex env set API_KEY`). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/**
 * `vueuse-convex env set|get|list|remove`: the variables of the local deployment, kept with its
 * data (`.vueuse-convex/env.json`), as `npx convex env` keeps a deployment's. A running `dev`
 * deploys again with them. Resolves with the exit code.
 */
export async function envCommand(args: string[], cwd: string, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed
  try {
    parsed = parse(args, { 'data': { type: 'string' }, 'env-file': { type: 'string' }, 'names-only': { type: 'boolean' } })
  }
  catch (e) {
    err(`vueuse-convex env: ${(e as Error).message}\n\n${HELP}`)
    return 1
  }
  const { values, positionals: [action, name, value, ...extra] } = parsed
  const file = envFileFor(cwd, values.data)
  const where = relative(cwd, file)
  const usage = (message: string) => {
    err(`vueuse-convex env: ${message}\n\n${HELP}`)
    return 1
  }
  try {
    const variables = readEnvFile(file)
    switch (action) {
      case 'set': {
        if (extra.length)
          return usage(`Unknown argument ${JSON.stringify(extra[0])}.`)
        const updates = values['env-file'] ? readDotenv(resolve(cwd, values['env-file'])) : {}
        if (name !== undefined) {
          const invalid = invalidName(name)
          if (invalid)
            return usage(invalid)
          updates[name] = value ?? (process.stdin.isTTY ? undefined : await readStdin()) ?? ''
          if (value === undefined && process.stdin.isTTY)
            return usage(`env set ${name} needs a value: env set ${name} 'value' (or pipe it in).`)
        }
        if (!Object.keys(updates).length)
          return usage('env set needs a variable: env set NAME \'value\', or env set --env-file .env')
        writeEnvFile(file, { ...variables, ...updates })
        err(`Set ${Object.keys(updates).join(', ')} in ${where} (a running vueuse-convex dev deploys again with it).`)
        return 0
      }
      case 'get': {
        if (name === undefined || value !== undefined)
          return usage('env get takes one name: env get NAME')
        if (!(name in variables)) {
          err(`${name} is not set (in ${where}).`)
          return 1
        }
        out(variables[name])
        return 0
      }
      case 'list': {
        if (name !== undefined)
          return usage(`Unknown argument ${JSON.stringify(name)}.`)
        for (const [key, text] of Object.entries(variables)) out(values['names-only'] ? key : `${key}=${dotenvValue(text)}`)
        return 0
      }
      case 'remove':
      case 'rm':
      case 'unset': {
        if (name === undefined || value !== undefined)
          return usage('env remove takes one name: env remove NAME')
        if (!(name in variables)) {
          err(`${name} was not set (in ${where}): nothing to remove.`)
          return 0
        }
        const { [name]: _removed, ...rest } = variables
        writeEnvFile(file, rest)
        err(`Removed ${name} from ${where} (a running vueuse-convex dev deploys again without it).`)
        return 0
      }
      default:
        return usage(action === undefined ? 'env needs an action: set, get, list or remove.' : `Unknown env action ${JSON.stringify(action)}: set, get, list or remove.`)
    }
  }
  catch (e) {
    err(`vueuse-convex env: ${(e as Error).message}`)
    return 1
  }
}

/** The command line; resolves with the exit code (`dev` resolves only when stopped). */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'codegen')
    return codegenMain(rest)
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP}\n`)
    return 0
  }
  if (command === 'env')
    return envCommand(rest, process.cwd(), text => process.stdout.write(`${text}\n`), text => process.stderr.write(`${text}\n`))
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
