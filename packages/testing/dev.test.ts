// @vitest-environment node
// `npx vueuse-convex dev`: an app's own convex/ (TypeScript) served on loopback, deployed again on
// every save, its data kept across restarts, and a broken file reported in words.
import type { DevBackend, DevBackendOptions } from './dev'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { ConvexClient, ConvexHttpClient } from 'convex/browser'
import { anyApi } from 'convex/server'
import { createLocalJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { envCommand, parseDevArgs } from './cli'
import { startDevBackend } from './dev'

const root = resolve(import.meta.dirname, '../..')
const fixture = resolve(import.meta.dirname, 'test/app/convex')
const api = anyApi as any

let work: string | undefined
const running: DevBackend[] = []
const clients: ConvexClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.close()))
  await Promise.all(running.splice(0).map(d => d.close()))
  if (work)
    rmSync(work, { recursive: true, force: true })
  work = undefined
})

/** A project with a copy of the test app's convex/ (no _generated: the command writes it), inside the repository for node_modules. */
function project(): string {
  work = mkdtempSync(join(root, 'node_modules', '.dev-test-'))
  cpSync(fixture, join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
  return work
}

async function start(options: DevBackendOptions = {}) {
  const lines: Array<{ line: string, level: string }> = []
  const dev = await startDevBackend({ cwd: work, port: 0, sitePort: 0, log: (line, level) => lines.push({ line, level }), ...options })
  running.push(dev)
  return { dev, lines }
}

function client(url: string) {
  const c = new ConvexClient(url, { skipConvexDeploymentUrlCheck: true, unsavedChangesWarning: false, logger: false })
  clients.push(c)
  return c
}

function nextValue<T>(c: ConvexClient, query: any, accept: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const stop = c.onUpdate(query, {}, (v: T) => {
      if (accept(v)) {
        queueMicrotask(() => stop())
        resolve(v)
      }
    })
  })
}

/** Resolves once `lines` has a line `accept` takes (the lines come from the dev backend's log). */
async function lineLike(lines: Array<{ line: string, level: string }>, accept: RegExp, level?: string): Promise<string> {
  for (;;) {
    const found = lines.find(l => accept.test(l.line) && (!level || l.level === level))
    if (found)
      return found.line
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Saves `file` as vim and many editors do: a new file written next to it, renamed over it. */
function saveByRename(file: string, text: string) {
  writeFileSync(`${file}.tmp~`, text)
  renameSync(`${file}.tmp~`, file)
}

/** `list` answering with its notes' bodies changed by `expression` (of `n.body`). */
function listMapping(source: string, expression: string) {
  return source.replace(/handler: .*ctx\.db\.query\('notes'\)\.collect\(\),/, `handler: async ctx => (await ctx.db.query('notes').collect()).map(n => ({ ...n, body: ${expression} })),`)
}

describe('vueuse-convex dev', () => {
  it('generates _generated/ and serves the app\'s functions: live queries, the HTTP API and http.ts', async () => {
    project()
    const { dev, lines } = await start()
    expect(existsSync(join(work!, 'convex/_generated/api.d.ts'))).toBe(true)
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(lines[0].line).toContain(`VITE_CONVEX_URL=${dev.url}`)
    expect(lines[0].line).toContain('for development only')
    const c = client(dev.url!)
    const seen = nextValue<any[]>(c, api.notes.list, notes => notes.length === 1)
    await new ConvexHttpClient(dev.url!, { skipConvexDeploymentUrlCheck: true }).mutation(api.notes.add, { body: 'over http' })
    expect((await seen)[0].body).toBe('over http')
    expect(await (await fetch(`${dev.siteUrl}/notes`)).json()).toEqual(['over http'])
  }, 120_000)

  it('deploys again when a file changes: connected clients see the new code, new modules are callable', async () => {
    project()
    const { dev } = await start()
    const c = client(dev.url!)
    await c.mutation(api.notes.add, { body: 'quiet' })
    await nextValue<any[]>(c, api.notes.list, notes => notes.length === 1)
    const connections = dev.backend!.stats.connectionsOpened
    const notes = join(work!, 'convex/notes.ts')
    const deployed = dev.nextDeploy()
    writeFileSync(notes, readFileSync(notes, 'utf8').replace('handler: ctx => ctx.db.query(\'notes\').collect(),', 'handler: async ctx => (await ctx.db.query(\'notes\').collect()).map(n => ({ ...n, body: n.body.toUpperCase() })),'))
    expect(await deployed).toBe('deployed')
    expect((await nextValue<any[]>(c, api.notes.list, n => n[0]?.body === 'QUIET'))[0].body).toBe('QUIET')
    expect(dev.backend!.stats.connectionsOpened).toBe(connections)

    const added = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/greetings.ts'), `import { query } from './_generated/server'\nexport const hello = query({ args: {}, handler: () => 'hello' })\n`)
    expect(await added).toBe('deployed')
    expect(readFileSync(join(work!, 'convex/_generated/api.d.ts'), 'utf8')).toContain('greetings')
    expect(await c.query(api.greetings.hello, {})).toBe('hello')
  }, 120_000)

  it('keeps the data across a restart, ids and files included', async () => {
    project()
    const first = await start()
    const c = client(first.dev.url!)
    const id = await c.mutation(api.notes.add, { body: 'survives' })
    const upload = await fetch(`${first.dev.siteUrl}/upload?name=a.txt`, { method: 'POST', body: 'file body' })
    expect(upload.status).toBe(200)
    await first.dev.close()
    running.splice(0)
    expect(existsSync(join(work!, '.vueuse-convex/snapshot.jsonl')) || existsSync(join(work!, '.vueuse-convex/log-1.wal'))).toBe(true)

    const second = await start()
    const again = client(second.dev.url!)
    expect((await again.query(api.notes.list, {})).map((n: any) => [n._id, n.body])).toEqual([[id, 'survives']])
    const [file] = await again.query(api.files.list, {})
    expect(await (await fetch(file.url)).text()).toBe('file body')
  }, 120_000)

  it('reports a broken file with its place, keeps the previous functions serving, and recovers on the fix', async () => {
    project()
    const { dev, lines } = await start()
    const c = client(dev.url!)
    const notes = join(work!, 'convex/notes.ts')
    const good = readFileSync(notes, 'utf8')
    const failed = dev.nextDeploy()
    writeFileSync(notes, `${good}\nexport const broken = query({ args: {}, handler: () => { return ( })\n`)
    expect(await failed).toBe('failed')
    const error = lines.find(l => l.level === 'error')!.line
    expect(error).toMatch(/convex[/\\]notes\.ts:\d+:\d+: /)
    expect(error).toContain('The previous functions keep serving. Fix it and save')
    expect(await c.mutation(api.notes.add, { body: 'still here' })).toBeTruthy()

    const fixed = dev.nextDeploy()
    writeFileSync(notes, good)
    expect(await fixed).toBe('deployed')
    expect((await c.query(api.notes.list, {})).map((n: any) => n.body)).toEqual(['still here'])
  }, 120_000)

  it('reports a module that throws when loaded, and waits for a fix before it serves', async () => {
    project()
    writeFileSync(join(work!, 'convex/explodes.ts'), `throw new Error('missing API key')\n`)
    const { dev, lines } = await start()
    expect(dev.url).toBeUndefined()
    expect(lines.find(l => l.level === 'error')!.line).toMatch(/convex[/\\]explodes\.ts failed when loaded: Error: missing API key/)
    const deployed = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/explodes.ts'), `export {}\n`)
    expect(await deployed).toBe('deployed')
    expect(dev.url).toMatch(/^http:/)
  }, 120_000)

  it('reports a cron schedule that never runs as a deploy error naming the job, keeps running, and serves on the fix', async () => {
    project()
    const crons = join(work!, 'convex/crons.ts')
    const good = readFileSync(crons, 'utf8')
    writeFileSync(crons, `import { cronJobs } from 'convex/server'\nimport { internal } from './_generated/api'\n\nconst crons = cronJobs()\ncrons.cron('february 31st', '0 0 31 2 *', internal.notes.clearAll)\nexport default crons\n`)
    const { dev, lines } = await start()
    expect(dev.url).toBeUndefined()
    expect(lines.find(l => l.level === 'error')!.line).toMatch(/february 31st/)
    const deployed = dev.nextDeploy()
    writeFileSync(crons, good)
    expect(await deployed).toBe('deployed')
    expect(await client(dev.url!).query(api.notes.list, {})).toEqual([])
  }, 120_000)

  it('says what to do for a missing folder and for bad arguments', async () => {
    project()
    await expect(startDevBackend({ cwd: work, convexDir: 'nope', port: 0, sitePort: 0 })).rejects.toThrow(/No Convex functions folder at .*nope: create it/)
    expect(parseDevArgs(['--port', 'abc'])).toBe('--port takes a port from 0 to 65535, not "abc".')
    expect(parseDevArgs(['--host'])).toBe('--host needs a value.')
    expect(parseDevArgs(['a', 'b'])).toBe('Unknown argument "b".')
    expect(parseDevArgs(['src/convex', '--port', '4000', '--no-data'])).toEqual({ convexDir: 'src/convex', port: 4000, dataFile: false })
    expect(parseDevArgs(['--port=4000', '--site-port', '4001', '--typecheck', 'enable', '--env-file', '.env.convex'])).toEqual({ port: 4000, sitePort: 4001, typecheck: 'enable', envFile: '.env.convex' })
    expect(parseDevArgs(['--port', '--host', 'x'])).toBe('--port needs a value.')
    expect(parseDevArgs(['--prot', '4000'])).toBe('Unknown option --prot.')
    expect(parseDevArgs(['--typecheck', 'strict'])).toBe('--typecheck takes enable, try or disable, not "strict".')
    expect(parseDevArgs(['--port', '-1'])).toBe('--port needs a value.')
    expect(parseDevArgs(['--port', '1e3'])).toBe('--port takes a port from 0 to 65535, not "1e3".')
    expect(parseDevArgs(['--data', 'x', '--no-data'])).toBe('--data and --no-data contradict each other: pass one.')
  })
})

describe('vueuse-convex dev: watching as editors save', () => {
  it('deploys every save that replaces the file (write and rename), not only the first', async () => {
    project()
    const { dev, lines } = await start()
    const c = client(dev.url!)
    await c.mutation(api.notes.add, { body: 'quiet' })
    const notes = join(work!, 'convex/notes.ts')
    const good = readFileSync(notes, 'utf8')
    for (const [expression, expected] of [['n.body.toUpperCase()', 'QUIET'], ['n.body + \'!\'', 'quiet!'], ['\'<\' + n.body + \'>\'', '<quiet>']] as const) {
      const deployed = dev.nextDeploy()
      saveByRename(notes, listMapping(good, expression))
      expect(await deployed).toBe('deployed')
      expect((await c.query(api.notes.list, {}))[0].body).toBe(expected)
    }
    expect(lines.filter(l => l.line.startsWith('Deployed')).at(-1)!.line).toMatch(/again: convex\/notes\.ts changed/)
  }, 120_000)

  it('deploys edits made with sed -i, the schema included', async () => {
    project()
    const { dev } = await start()
    const c = client(dev.url!)
    await c.mutation(api.notes.add, { body: 'quiet' })
    const notes = join(work!, 'convex/notes.ts')
    writeFileSync(notes, listMapping(readFileSync(notes, 'utf8'), 'n.body.toUpperCase()'))
    await dev.nextDeploy()
    for (const [from, to] of [['toUpperCase', 'toLowerCase'], ['toLowerCase', 'trim']]) {
      const deployed = dev.nextDeploy()
      execFileSync('sed', ['-i', `s/${from}/${to}/`, notes])
      expect(await deployed).toBe('deployed')
      expect((await c.query(api.notes.list, {}))[0].body).toBe('quiet')
    }
    // The schema, edited the same way twice: the second edit is the one a stale watcher misses.
    const schema = join(work!, 'convex/schema.ts')
    for (const table of ['drafts', 'archive']) {
      const deployed = dev.nextDeploy()
      execFileSync('sed', ['-i', `s/defineSchema({/defineSchema({ ${table}: defineTable({ title: v.string() }),/`, schema])
      expect(await deployed).toBe('deployed')
      await expect(dev.backend!.run(async ctx => ctx.db.insert(table, { title: 1 }))).rejects.toThrow(/Validator error/)
      await dev.backend!.run(async ctx => ctx.db.insert(table, { title: 'ok' }))
    }
  }, 120_000)

  it('deploys a deleted module (its functions are gone) and a new folder of modules', async () => {
    project()
    const { dev, lines } = await start()
    const c = client(dev.url!)
    writeFileSync(join(work!, 'convex/greetings.ts'), `import { query } from './_generated/server'\nexport const hello = query({ args: {}, handler: () => 'hello' })\n`)
    await dev.nextDeploy()
    expect(await c.query(api.greetings.hello, {})).toBe('hello')

    const removed = dev.nextDeploy()
    rmSync(join(work!, 'convex/greetings.ts'))
    expect(await removed).toBe('deployed')
    await expect(c.query(api.greetings.hello, {})).rejects.toThrow(/Could not find public function/)
    expect(lines.at(-1)!.line).toMatch(/convex\/greetings\.ts removed/)

    const added = dev.nextDeploy()
    mkdirSync(join(work!, 'convex/admin/reports'), { recursive: true })
    writeFileSync(join(work!, 'convex/admin/reports/daily.ts'), `import { query } from '../../_generated/server'\nexport const count = query({ args: {}, handler: async ctx => (await ctx.db.query('notes').collect()).length })\n`)
    expect(await added).toBe('deployed')
    expect(await c.query(api['admin/reports/daily'].count, {})).toBe(0)
    expect(readFileSync(join(work!, 'convex/_generated/api.d.ts'), 'utf8')).toContain('admin/reports/daily')
  }, 120_000)

  it('keeps the last good deploy when one file is refused, and names that file', async () => {
    project()
    const { dev, lines } = await start()
    const c = client(dev.url!)
    const deployed = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/greetings.ts'), `import { query } from './_generated/server'\nexport const hello = query({ args: {}, handler: () => 'hello' })\n`)
    await deployed
    const failed = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/broken.ts'), `export const x = (\n`)
    expect(await failed).toBe('failed')
    const error = lines.filter(l => l.level === 'error').at(-1)!.line
    expect(error).toMatch(/^convex[/\\]broken\.ts:\d+:\d+: /)
    expect(error).not.toMatch(/greetings|notes\.ts/)
    expect(await c.query(api.greetings.hello, {})).toBe('hello')
  }, 120_000)
})

describe('vueuse-convex dev: build folders', () => {
  it('serves the code of this run when started again in the same process', async () => {
    project()
    const first = await start()
    const c = client(first.dev.url!)
    await c.mutation(api.notes.add, { body: 'quiet' })
    expect((await c.query(api.notes.list, {}))[0].body).toBe('quiet')
    await clients.pop()!.close()
    await first.dev.close()
    running.splice(0)

    const notes = join(work!, 'convex/notes.ts')
    writeFileSync(notes, listMapping(readFileSync(notes, 'utf8'), 'n.body.toUpperCase()'))
    const second = await start()
    expect((await client(second.dev.url!).query(api.notes.list, {}))[0].body).toBe('QUIET')
  }, 120_000)

  it('removes the build folders that a killed run left behind, and its own when closed', async () => {
    project()
    const builds = join(work!, 'node_modules/.vueuse-convex')
    // A process that has exited: its pid names a folder nobody uses any more.
    const { pid: gone } = spawnSync(process.execPath, ['-e', ''])
    mkdirSync(join(builds, `dev-${gone}/1`), { recursive: true })
    writeFileSync(join(builds, `dev-${gone}/1/notes.mjs`), '')
    mkdirSync(join(builds, `dev-${gone}-abc123`), { recursive: true })
    const { dev } = await start()
    const folders = readdirSync(builds)
    expect(folders.filter(name => name.startsWith(`dev-${gone}`))).toEqual([])
    expect(folders.filter(name => name.startsWith(`dev-${process.pid}-`))).toHaveLength(1)
    await dev.close()
    running.splice(0)
    expect(readdirSync(builds)).toEqual([])
  }, 120_000)
})

describe('vueuse-convex dev: the deployment\'s environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('gives functions its own variables and URLs, never the shell\'s', async () => {
    vi.stubEnv('SECRET_TOKEN', 'from the shell')
    project()
    const { dev } = await start()
    const c = client(dev.url!)
    const env = (name: string) => c.query(api.notes.env, { name })
    expect(await env('SECRET_TOKEN')).toBeNull()
    expect(await env('HOME')).toBeNull()
    expect(await env('PATH')).toBeNull()
    expect(await env('CONVEX_CLOUD_URL')).toBe(dev.url)
    expect(await env('CONVEX_SITE_URL')).toBe(dev.siteUrl)
    // The rest of the process keeps its own.
    expect(process.env.SECRET_TOKEN).toBe('from the shell')
  }, 120_000)

  it('loads modules with the variables of env set and of --env-file, and deploys again when they change', async () => {
    project()
    mkdirSync(join(work!, '.vueuse-convex'))
    writeFileSync(join(work!, '.vueuse-convex/env.json'), JSON.stringify({ LOAD_TIME_KEY: 'kept', ONLY_KEPT: 'yes' }))
    writeFileSync(join(work!, '.env.convex'), 'FROM_FILE=dotenv\nLOAD_TIME_KEY=from the file\n')
    const { dev } = await start({ envFile: '.env.convex' })
    const c = client(dev.url!)
    expect(await c.query(api.loaded.loadTimeKey, {})).toBe('from the file')
    expect(await c.query(api.notes.env, { name: 'FROM_FILE' })).toBe('dotenv')
    expect(await c.query(api.notes.env, { name: 'ONLY_KEPT' })).toBe('yes')

    // `npx vueuse-convex env set` while dev runs: the modules load again with it.
    const deployed = dev.nextDeploy()
    writeFileSync(join(work!, '.env.convex'), 'FROM_FILE=changed\n')
    expect(await deployed).toBe('deployed')
    expect(await c.query(api.loaded.loadTimeKey, {})).toBe('kept')
    expect(await c.query(api.notes.env, { name: 'FROM_FILE' })).toBe('changed')
    const removed = dev.nextDeploy()
    writeFileSync(join(work!, '.vueuse-convex/env.json'), JSON.stringify({ ONLY_KEPT: 'again' }))
    expect(await removed).toBe('deployed')
    expect(await c.query(api.loaded.loadTimeKey, {})).toBeNull()
    expect(await c.query(api.notes.env, { name: 'ONLY_KEPT' })).toBe('again')
  }, 120_000)
})

describe('vueuse-convex env', () => {
  async function env(...args: string[]) {
    const out: string[] = []
    const err: string[] = []
    const code = await envCommand(args, work!, text => out.push(text), text => err.push(text))
    return { code, out, err: err.join('\n') }
  }

  it('sets, gets, lists and removes the variables, kept with the data, whether dev runs or not', async () => {
    project()
    expect(await env('set', 'API_KEY', 'sk_test 1')).toMatchObject({ code: 0, err: expect.stringMatching(/^Set API_KEY in \.vueuse-convex[/\\]env\.json/) })
    expect(await env('get', 'API_KEY')).toMatchObject({ code: 0, out: ['sk_test 1'] })
    expect(JSON.parse(readFileSync(join(work!, '.vueuse-convex/env.json'), 'utf8'))).toEqual({ API_KEY: 'sk_test 1' })

    // A running dev deploys again with each change.
    const { dev } = await start()
    const c = client(dev.url!)
    expect(await c.query(api.notes.env, { name: 'API_KEY' })).toBe('sk_test 1')
    writeFileSync(join(work!, '.env.local'), 'SITE_URL=http://localhost:5173\nLOAD_TIME_KEY="two words"\n')
    let deployed = dev.nextDeploy()
    expect((await env('set', '--env-file', '.env.local')).code).toBe(0)
    expect(await deployed).toBe('deployed')
    expect(await c.query(api.loaded.loadTimeKey, {})).toBe('two words')
    expect(await env('list')).toMatchObject({ code: 0, out: ['API_KEY="sk_test 1"', 'LOAD_TIME_KEY="two words"', 'SITE_URL=http://localhost:5173'] })
    expect((await env('list', '--names-only')).out).toEqual(['API_KEY', 'LOAD_TIME_KEY', 'SITE_URL'])
    deployed = dev.nextDeploy()
    expect(await env('remove', 'API_KEY')).toMatchObject({ code: 0, err: expect.stringMatching(/^Removed API_KEY/) })
    expect(await deployed).toBe('deployed')
    expect(await c.query(api.notes.env, { name: 'API_KEY' })).toBeNull()
    expect(await env('get', 'API_KEY')).toMatchObject({ code: 1, err: expect.stringMatching(/^API_KEY is not set/) })
  }, 120_000)

  it('refuses bad names, the built-in URLs and a missing action with a one-line reason', async () => {
    project()
    expect((await env('set', 'CONVEX_CLOUD_URL', 'x')).err).toMatch(/^vueuse-convex env: CONVEX_CLOUD_URL is built in: every deployment sets it to its own URL\.\n/)
    expect((await env('set', '1ABC', 'x')).err).toMatch(/^vueuse-convex env: "1ABC" is not a variable name/)
    expect((await env('set', 'A', 'x', 'y')).err).toMatch(/^vueuse-convex env: Unknown argument "y"\./)
    expect((await env('frob')).err).toMatch(/^vueuse-convex env: Unknown env action "frob": set, get, list or remove\./)
    expect((await env('set', '--env-file', 'nope.env')).err).toMatch(/^vueuse-convex env: Cannot read the env file .*nope\.env: it does not exist\./)
    expect((await env('list', '--verbose')).err).toMatch(/^vueuse-convex env: Unknown option --verbose\./)
    expect(existsSync(join(work!, '.vueuse-convex/env.json'))).toBe(false)
  })
})

describe('vueuse-convex dev: Convex Auth 0.x keys', () => {
  it('makes JWT_PRIVATE_KEY and JWKS once for an app on Convex Auth 0.x, says so, and its functions see them', async () => {
    project()
    writeFileSync(join(work!, 'convex/auth.config.ts'), `export default { providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: 'convex' }] }\n`)
    mkdirSync(join(work!, 'node_modules/@convex-dev/auth'), { recursive: true })
    writeFileSync(join(work!, 'node_modules/@convex-dev/auth/package.json'), JSON.stringify({ name: '@convex-dev/auth', version: '0.0.90' }))
    const first = await start()
    expect(first.lines[0].line).toMatch(/^Convex Auth: made JWT_PRIVATE_KEY and JWKS \(a new RS256 key pair\) in \.vueuse-convex[/\\]env\.json/)
    const kept = JSON.parse(readFileSync(join(work!, '.vueuse-convex/env.json'), 'utf8'))
    // The pair works as Convex Auth 0.x uses it: it signs with the key, the JWKS verifies.
    const token = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256' }).sign(await importPKCS8(kept.JWT_PRIVATE_KEY, 'RS256'))
    expect((await jwtVerify(token, createLocalJWKSet(JSON.parse(kept.JWKS)))).payload.sub).toBe('u1')
    expect(await client(first.dev.url!).query(api.notes.env, { name: 'JWKS' })).toBe(kept.JWKS)
    await first.dev.close()
    running.splice(0)

    const second = await start()
    expect(second.lines.some(l => l.line.startsWith('Convex Auth:'))).toBe(false)
    expect(JSON.parse(readFileSync(join(work!, '.vueuse-convex/env.json'), 'utf8'))).toEqual(kept)
  }, 120_000)

  it('makes no keys for an app that is not on Convex Auth 0.x', async () => {
    project()
    writeFileSync(join(work!, 'convex/auth.config.ts'), `export default { providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: 'convex' }] }\n`)
    const { lines } = await start()
    expect(lines.some(l => l.line.startsWith('Convex Auth:'))).toBe(false)
    expect(existsSync(join(work!, '.vueuse-convex/env.json'))).toBe(false)
  }, 120_000)
})

describe('vueuse-convex dev: around a deploy', () => {
  const logs = `import { v } from 'convex/values'
import { action, mutation, query } from './_generated/server'
export const hello = query({ args: {}, handler: () => { console.log('hello', { from: 'a query' }); console.warn('careful'); return 'hi' } })
export const fail = mutation({ args: {}, handler: () => { throw new Error('kaboom') } })
export const nested = action({ args: {}, handler: async (ctx) => { console.info('in the action'); return await ctx.runQuery(api.logs.hello, {}) } })
`

  it('prints the functions\' logs and uncaught errors with their names', async () => {
    project()
    writeFileSync(join(work!, 'convex/logs.ts'), `import { api } from './_generated/api'\n${logs}`)
    const { dev, lines } = await start()
    const c = client(dev.url!)
    expect(await c.query(api.logs.hello, {})).toBe('hi')
    expect(lines).toContainEqual({ line: `[CONVEX Q(logs:hello)] [LOG] hello { from: 'a query' }`, level: 'info' })
    expect(lines).toContainEqual({ line: `[CONVEX Q(logs:hello)] [WARN] careful`, level: 'error' })
    await expect(c.mutation(api.logs.fail, {})).rejects.toThrow(/kaboom/)
    // Its stack, down to the function (the bundle's source map names the source where Node applies it).
    const uncaught = await lineLike(lines, /^\[CONVEX M\(logs:fail\)\] Uncaught Error: kaboom/, 'error')
    expect(uncaught).toMatch(/\n {4}at handler \(\S+[/\\]logs\.(?:ts|mjs):\d+:\d+\)/)
    // Down to the function: not the backend's frames that called it.
    expect(uncaught).not.toMatch(/convex-test|sessions\.ts|executor\.ts/)
    expect(await c.action(api.logs.nested, {})).toBe('hi')
    expect(lines).toContainEqual({ line: `[CONVEX A(logs:nested)] [INFO] in the action`, level: 'info' })
    expect(lines.filter(l => l.line === `[CONVEX Q(logs:hello)] [LOG] hello { from: 'a query' }`)).toHaveLength(2)
    // An HTTP action's lines are named by its route.
    await fetch(`${dev.siteUrl}/notes`)
  }, 120_000)

  it('reports a module that imports a package that is not installed, at deploy, with the package', async () => {
    project()
    const { dev, lines } = await start()
    const failed = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/payments.ts'), `import Stripe from 'stripe-not-installed'\nimport { query } from './_generated/server'\nexport const ok = query({ args: {}, handler: () => typeof Stripe })\n`)
    expect(await failed).toBe('failed')
    const error = lines.filter(l => l.level === 'error').at(-1)!.line
    expect(error).toMatch(/^convex[/\\]payments\.ts imports the package "stripe-not-installed", which is not installed: npm install stripe-not-installed/)
    expect(error).not.toContain('.vueuse-convex')
  }, 120_000)

  const tsconfig = JSON.stringify({
    compilerOptions: { allowJs: true, strict: true, moduleResolution: 'Bundler', skipLibCheck: true, target: 'ESNext', lib: ['ES2021', 'dom'], types: ['node'], module: 'ESNext', isolatedModules: true, noEmit: true },
    include: ['./**/*'],
    exclude: ['./_generated'],
  })
  const writeInQuery = (source: string) => source.replace(`handler: ctx => ctx.db.query('notes').collect(),`, `handler: async (ctx) => { await ctx.db.insert('notes', { body: 'x' }); return ctx.db.query('notes').collect() },`)

  it('type-checks with the project\'s TypeScript: --typecheck try reports the errors and deploys', async () => {
    project()
    writeFileSync(join(work!, 'convex/tsconfig.json'), tsconfig)
    const { dev, lines } = await start()
    const notes = join(work!, 'convex/notes.ts')
    const deployed = dev.nextDeploy()
    writeFileSync(notes, writeInQuery(readFileSync(notes, 'utf8')))
    expect(await deployed).toBe('deployed')
    const report = await lineLike(lines, /^Type errors/, 'error')
    expect(report).toMatch(/convex\/notes\.ts\(\d+,\d+\): error TS2339: Property 'insert' does not exist/)
    expect(report).toContain('deployed anyway')
  }, 120_000)

  it('type-checks with the project\'s TypeScript: --typecheck enable refuses to deploy type errors', async () => {
    project()
    writeFileSync(join(work!, 'convex/tsconfig.json'), tsconfig)
    const { dev, lines } = await start({ typecheck: 'enable' })
    expect(dev.url).toBeDefined()
    const c = client(dev.url!)
    const notes = join(work!, 'convex/notes.ts')
    const failed = dev.nextDeploy()
    writeFileSync(notes, writeInQuery(readFileSync(notes, 'utf8')))
    expect(await failed).toBe('failed')
    expect(lines.filter(l => l.level === 'error').at(-1)!.line).toMatch(/^Type errors \(--typecheck enable refuses[\s\S]*error TS2339: Property 'insert'[\s\S]*The previous functions keep serving/)
    expect(await c.query(api.notes.list, {})).toEqual([])
  }, 120_000)

  it('says that it cannot type-check without a tsconfig.json, once', async () => {
    project()
    const { dev, lines } = await start()
    await lineLike(lines, /^Not type-checked: there is no convex\/tsconfig\.json/)
    const deployed = dev.nextDeploy()
    writeFileSync(join(work!, 'convex/greetings.ts'), `import { query } from './_generated/server'\nexport const hello = query({ args: {}, handler: () => 'hello' })\n`)
    await deployed
    const refused: string[] = []
    running.push(await startDevBackend({ cwd: work, port: 0, sitePort: 0, dataFile: false, typecheck: 'enable', log: line => refused.push(line) }))
    expect(running.at(-1)!.url).toBeUndefined()
    expect(refused[0]).toMatch(/^--typecheck enable: the functions cannot be type-checked: there is no convex\/tsconfig\.json/)
    expect(lines.filter(l => l.line.startsWith('Not type-checked'))).toHaveLength(1)
  }, 120_000)
})

describe('vueuse-convex dev: components', () => {
  it('runs Convex Auth 2 (TypeScript test entries, import.meta.glob, wasm password hashing, a nested rate limiter): sign up, sign in, sign out', async () => {
    work = mkdtempSync(join(root, 'node_modules', '.dev-test-'))
    cpSync(resolve(import.meta.dirname, 'test/convex-auth/convex'), join(work, 'convex'), { recursive: true, filter: path => !path.includes('_generated') })
    const { dev, lines } = await start()
    expect(lines.filter(l => l.level === 'error')).toEqual([])
    const c = client(dev.url!)
    const ada = { username: 'ada', password: 'correct horse battery staple' }
    const signedUp = await c.mutation(api.auth.signUpWithUsernamePassword, ada)
    expect(signedUp).toMatchObject({ status: 'complete' })
    const signedIn = await c.mutation(api.auth.signInWithUsernamePassword, ada)
    expect(signedIn).toMatchObject({ status: 'complete' })
    expect(await new Promise(resolve => c.setAuth(async () => signedIn.tokens.accessToken, resolve))).toBe(true)
    expect(await c.query(api.users.viewer, {})).toBe('ada')
    expect(await c.mutation(api.auth.signInWithUsernamePassword, { ...ada, password: 'wrong password!' })).toEqual({ status: 'error', userError: { error: 'INVALID_CREDENTIALS' } })
    await c.mutation(api.auth.signOut, { refreshToken: signedIn.tokens.refreshToken })
    expect(await c.query(api.users.viewer, {})).toBeNull()
  }, 120_000)

  it('reports the real error of a component whose test entry does not load', async () => {
    project()
    const pkg = join(work!, 'node_modules/broken-component')
    mkdirSync(join(pkg, 'src'), { recursive: true })
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'broken-component', type: 'module', exports: { './convex.config': './convex.config.js', './test': './src/test.ts' } }))
    writeFileSync(join(pkg, 'convex.config.js'), `import { defineComponent } from 'convex/server'\nexport default defineComponent('broken')\n`)
    writeFileSync(join(pkg, 'src/test.ts'), `import missing from './missing.ts'\nexport default { modules: {}, missing }\n`)
    writeFileSync(join(work!, 'convex/convex.config.ts'), `import { defineApp } from 'convex/server'\nimport broken from 'broken-component/convex.config'\nconst app = defineApp()\napp.use(broken)\nexport default app\n`)
    cpSync(join(fixture, '_generated'), join(work!, 'convex/_generated'), { recursive: true })
    const { dev, lines } = await start({ codegen: false })
    expect(dev.url).toBeUndefined()
    const error = lines.find(l => l.level === 'error')!.line
    expect(error).toContain('The component "broken" (broken-component/convex.config)')
    expect(error).toMatch(/Could not resolve "\.\/missing\.ts"/)
    expect(error).not.toContain('has no test entry')
  }, 120_000)
})
