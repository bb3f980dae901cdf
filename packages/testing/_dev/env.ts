// The environment variables of `vueuse-convex dev`'s deployment, as `npx convex env` keeps a
// deployment's: set, read, listed and removed with `npx vueuse-convex env`, whether `dev` runs or
// not, and kept with the data (`.vueuse-convex/env.json`); a dotenv file (`--env-file`) can add
// more. Functions see these and the deployment's URLs, never the shell's variables.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { parseEnv } from 'node:util'

/** Where `dev` keeps its deployment's variables unless told otherwise. */
export const DEFAULT_ENV_FILE = join('.vueuse-convex', 'env.json')

/** The variables every deployment has, which cannot be set. */
export const BUILT_IN = ['CONVEX_CLOUD_URL', 'CONVEX_SITE_URL'] as const

/** Why `name` cannot be a variable's name (Convex's rules), or `undefined` when it can. */
export function invalidName(name: string): string | undefined {
  if ((BUILT_IN as readonly string[]).includes(name))
    return `${name} is built in: every deployment sets it to its own URL.`
  if (!/^[a-z]\w*$/i.test(name) || name.length > 40)
    return `${JSON.stringify(name)} is not a variable name: a letter, then letters, digits and underscores, 40 characters at most.`
  return undefined
}

/** The variables kept in `file` (a JSON object of strings; none when it does not exist). */
export function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file))
    return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  }
  catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): fix it, or remove it and set the variables again with npx vueuse-convex env set.`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some(value => typeof value !== 'string'))
    throw new Error(`${file} should be an object of strings ({ "NAME": "value" }): fix it, or remove it and set the variables again with npx vueuse-convex env set.`)
  return parsed as Record<string, string>
}

/** Writes `variables` to `file` at once (a reader sees the old file or the new one, never half). */
export function writeEnvFile(file: string, variables: Record<string, string>): void {
  mkdirSync(dirname(file), { recursive: true })
  const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)))
  writeFileSync(`${file}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`)
  renameSync(`${file}.tmp`, file)
}

/** The variables of a dotenv file (`NAME=value` lines, as `.env` files write them). */
export function readDotenv(file: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  }
  catch (e) {
    throw new Error(`Cannot read the env file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}.`)
  }
  const variables = parseEnv(text) as Record<string, string>
  for (const name of Object.keys(variables)) {
    const invalid = invalidName(name)
    if (invalid)
      throw new Error(`${file}: ${invalid}`)
  }
  return variables
}

/**
 * Where the variables are kept for the data at `data` (`dev`'s `--data`: a folder, or the data
 * file of earlier versions, whose folder is used): `env.json` beside the data. `--no-data` keeps
 * no data, but the variables still live in the default folder.
 */
export function envFileFor(cwd: string, data: string | false | undefined): string {
  const folder = typeof data === 'string' ? (data.endsWith('.json') ? dirname(data) : data) : '.vueuse-convex'
  return resolve(cwd, folder, 'env.json')
}

/** Options of {@link createEnvironment}. */
export interface EnvironmentOptions {
  /** The project folder. */
  cwd: string
  /** Where the variables are kept. @default '.vueuse-convex/env.json' */
  file?: string
  /** A dotenv file whose variables are added over the kept ones (not kept). */
  dotenv?: string
}

/** A deployment's variables: the kept ones with a dotenv file's over them, read again on demand. */
export interface DevEnvironment {
  /** The kept variables' file (absolute). */
  readonly file: string
  /** The dotenv file (absolute), if any. */
  readonly dotenv: string | undefined
  /** The files the variables come from (absolute): a change to one is a change of the variables. */
  readonly files: string[]
  /** The variables as last read. */
  readonly variables: Readonly<Record<string, string>>
  /** Reads the files again; throws a readable message when one is broken (the previous variables stay). */
  reload: () => Readonly<Record<string, string>>
}

/** The variables of `dev`'s deployment, read from their files (now, and on each `reload()`). */
export function createEnvironment(options: EnvironmentOptions): DevEnvironment {
  const file = resolve(options.cwd, options.file ?? DEFAULT_ENV_FILE)
  const dotenv = options.dotenv === undefined ? undefined : resolve(options.cwd, options.dotenv)
  // Its folder exists, so that a watcher sees the file when `env set` first writes it.
  mkdirSync(dirname(file), { recursive: true })
  let variables: Readonly<Record<string, string>> = {}
  const environment: DevEnvironment = {
    file,
    dotenv,
    files: dotenv ? [file, dotenv] : [file],
    get variables() {
      return variables
    },
    reload() {
      variables = Object.freeze({ ...readEnvFile(file), ...(dotenv ? readDotenv(dotenv) : {}) })
      return variables
    },
  }
  environment.reload()
  return environment
}

/** The version of `@convex-dev/auth` the app in `dir` installed, if any. */
function convexAuthVersion(dir: string): string | undefined {
  try {
    const file = createRequire(join(dir, 'package.json')).resolve('@convex-dev/auth/package.json')
    return JSON.parse(readFileSync(file, 'utf8')).version
  }
  catch {
    return undefined
  }
}

/**
 * Convex Auth 0.x signs its tokens with `JWT_PRIVATE_KEY` and publishes `JWKS`, both variables
 * of the deployment that `npx @convex-dev/auth` sets. For an app on it (its `auth.config` names
 * `CONVEX_SITE_URL`), makes a new RS256 pair into the kept variables when neither is set, and
 * says what it did; resolves with the line to print (`undefined`: nothing to do).
 */
export async function ensureConvexAuthKeys(dir: string, environment: DevEnvironment): Promise<string | undefined> {
  const config = ['auth.config.ts', 'auth.config.js'].map(file => join(dir, file)).find(existsSync)
  if (!config || !readFileSync(config, 'utf8').includes('CONVEX_SITE_URL') || !convexAuthVersion(dir)?.startsWith('0.'))
    return undefined
  const { JWT_PRIVATE_KEY, JWKS } = environment.variables
  if (JWT_PRIVATE_KEY && JWKS)
    return undefined
  if (JWT_PRIVATE_KEY || JWKS)
    return `Convex Auth: ${JWT_PRIVATE_KEY ? 'JWKS' : 'JWT_PRIVATE_KEY'} is not set while ${JWT_PRIVATE_KEY ? 'JWT_PRIVATE_KEY' : 'JWKS'} is: set it (npx vueuse-convex env set), or remove both and restart to get a new pair.`
  const { exportJWK, exportPKCS8, generateKeyPair } = await import('jose')
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const variables = readEnvFile(environment.file)
  writeEnvFile(environment.file, {
    ...variables,
    // As `npx @convex-dev/auth` sets them: the PEM on one line, the public key as a JWKS.
    JWT_PRIVATE_KEY: (await exportPKCS8(privateKey)).trimEnd().replace(/\n/g, ' '),
    JWKS: JSON.stringify({ keys: [{ use: 'sig', ...(await exportJWK(publicKey)) }] }),
  })
  environment.reload()
  return `Convex Auth: made JWT_PRIVATE_KEY and JWKS (a new RS256 key pair) in ${environment.file}: its tokens are signed with them.`
}
