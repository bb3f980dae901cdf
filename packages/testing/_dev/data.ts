// The local backend's data folder as the `dev` command opens it: reset when asked, refused in
// words when it cannot be read (which file, what is wrong, what to do), described at start-up.
import type { Store, StoreReport } from './store'
import { relative } from 'node:path'
import { dataLocation, openStore, resetData, UnreadableDataError } from './store'

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
