// The local backend's data folder as the commands use it: `dev` opens it (reset when asked,
// refused in words when it cannot be read: which file, what is wrong, what to do; described at
// start-up), `export` and `import` move it to and from Convex's snapshot ZIP.
import type { Store, StoreReport } from './store'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { exportSnapshot, importSnapshot } from './snapshot'
import { dataLocation, DataLockedError, openStore, readStoredData, replaceData, resetData, UnreadableDataError } from './store'

/**
 * Opens the data folder for `dev`: moves its data aside first with `reset`, and refuses to start
 * (nothing served, nothing changed) when a file cannot be read, saying what the choices are.
 */
export async function openData(dataFile: string, cwd: string, reset: boolean, log: (line: string, level: 'info' | 'error') => void): Promise<Store> {
  if (reset) {
    const aside = resetData(dataFile, cwd)
    log(aside ? `--reset-data: the previous data was moved to ${relative(cwd, aside)}/ (kept; delete it when you no longer need it). Starting empty.` : '--reset-data: there was no data to move aside. Starting empty.', 'info')
  }
  try {
    return await openStore(dataFile, cwd, { onError: e => log(e.message, 'error') })
  }
  catch (e) {
    if (!(e instanceof UnreadableDataError))
      throw e
    const dir = relative(cwd, dataLocation(dataFile, cwd).dir) || '.'
    throw new Error([
      `The data in ${relative(cwd, e.file)} cannot be read: ${e.problem}.`,
      'It was left exactly as it is, and nothing is served. Either:',
      `  - put a good copy of ${relative(cwd, e.file)} back, and start again; or`,
      `  - start empty: npx vueuse-convex dev --reset-data (moves the data files into ${dir}/reset-<time>/, where they stay).`,
    ].join('\n'), { cause: e })
  }
}

/** The start-up lines about the data: where it is, and what recovery did. */
export function dataLines(report: StoreReport | undefined, cwd: string): string[] {
  if (!report)
    return ['  Data: in memory only (--no-data)']
  const dir = relative(cwd, report.dir) || '.'
  const lines = [`  Data: ${dir}/ (${report.documents} document${report.documents === 1 ? '' : 's'}), each write on disk before it is acknowledged (add ${dir}/ to .gitignore)`]
  if (report.migrated)
    lines.push(`    Read ${relative(cwd, report.migrated)} (the previous format) into it; the file is kept as ${relative(cwd, report.migrated)}.migrated.`)
  if (report.torn)
    lines.push(`    A write cut short by a crash was dropped: the last ${report.torn.bytes} bytes of ${relative(cwd, report.torn.file)}, never acknowledged to a client.`)
  if (report.staleLock)
    lines.push(`    Took over the lock of process ${report.staleLock}, which is no longer running.`)
  return lines
}

/** `vueuse-convex export --path <file.zip> [--data <folder>]`: the data as a Convex snapshot ZIP. */
export async function exportCommand(args: string[], cwd: string, write: (line: string) => void): Promise<number> {
  const { path, data, rest } = dataArgs(args)
  if (!path || rest.length) {
    write(`vueuse-convex export: ${rest.length ? `unknown argument ${JSON.stringify(rest[0])}` : 'name the file: --path snapshot.zip'}.\nUsage: npx vueuse-convex export --path snapshot.zip [--data <folder>]`)
    return 1
  }
  const target = resolve(cwd, path)
  if (existsSync(target)) {
    write(`vueuse-convex export: ${relative(cwd, target)} exists already: name a new file (nothing was written).`)
    return 1
  }
  let stored
  try {
    stored = readStoredData(data, cwd)
  }
  catch (e) {
    write(`vueuse-convex export: ${(e as Error).message}`)
    return 1
  }
  if (!stored) {
    write(`vueuse-convex export: there is no data in ${relative(cwd, dataLocation(data, cwd).dir) || '.'}/ to export.`)
    return 1
  }
  writeFileSync(target, exportSnapshot(stored))
  const documents = Object.values(stored.components).reduce((n, c) => n + c.documents.length, 0)
  write(`Exported ${documents} document${documents === 1 ? '' : 's'} to ${relative(cwd, target)} (Convex's snapshot format). Load it into a deployment with: npx convex import ${relative(cwd, target)} (add --replace if its tables hold data).`)
  return 0
}

/** `vueuse-convex import <file.zip> [--data <folder>]`: replaces the data with a Convex snapshot ZIP's. */
export async function importCommand(args: string[], cwd: string, write: (line: string) => void): Promise<number> {
  const { data, rest } = dataArgs(args)
  if (rest.length !== 1) {
    write(`vueuse-convex import: ${rest.length ? `unexpected argument ${JSON.stringify(rest[1])}` : 'name the snapshot ZIP'}.\nUsage: npx vueuse-convex import snapshot.zip [--data <folder>]`)
    return 1
  }
  const source = resolve(cwd, rest[0])
  let imported
  try {
    imported = importSnapshot(readFileSync(source))
  }
  catch (e) {
    write(`vueuse-convex import: ${relative(cwd, source)}: ${(e as Error).message}`)
    return 1
  }
  try {
    const aside = resetData(data, cwd)
    await replaceData(data, cwd, imported)
    const documents = Object.values(imported.components).reduce((n, c) => n + c.documents.length, 0)
    const dir = relative(cwd, dataLocation(data, cwd).dir) || '.'
    write([
      `Imported ${documents} document${documents === 1 ? '' : 's'} from ${relative(cwd, source)} into ${dir}/ (replacing what was there${aside ? `, which was moved to ${relative(cwd, aside)}/` : ''}).`,
      'Start npx vueuse-convex dev: your schema checks the documents as it loads them.',
    ].join('\n'))
    return 0
  }
  catch (e) {
    write(`vueuse-convex import: ${(e as Error).message}${e instanceof DataLockedError ? '' : ' (nothing was changed)'}`)
    return 1
  }
}

function dataArgs(args: string[]): { path?: string, data: string, rest: string[] } {
  let path: string | undefined
  let data = '.vueuse-convex'
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--path')
      path = args[++i]
    else if (args[i] === '--data')
      data = args[++i] ?? data
    else
      rest.push(args[i])
  }
  return { path, data, rest }
}
