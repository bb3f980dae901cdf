// The watcher of `vueuse-convex dev`: follows the functions folder as editors write it — saves in
// place, saves that replace the file (a temporary file renamed over it: `sed -i`, vim, several
// editors), deletes, new and removed folders — with chokidar (what Vite and Nuxt watch with), and
// calls back once per burst of changes with what changed.
import type { FSWatcher } from 'chokidar'
import { dirname, isAbsolute, relative, sep } from 'node:path'
import { watch } from 'chokidar'

/** What happened to one file during a burst. */
export type FileChange = 'added' | 'changed' | 'removed'

/** The files a burst changed, by path relative to the project folder (`/`-separated). */
export type Changes = ReadonlyMap<string, FileChange>

/** A running watcher. */
export interface Watcher {
  /** Resolves once every file is watched: a change from then on is never missed. */
  ready: Promise<void>
  close: () => Promise<void>
}

/** Options of {@link watchFunctions}. */
export interface WatchOptions {
  /** The functions folder. */
  dir: string
  /** Files outside it that also deploy again when they change (the environment file). */
  files?: string[]
  /** Paths in messages are relative to it. */
  cwd: string
  /** Called once after each burst of changes. */
  onChange: (changes: Changes) => void
  /** How long a burst lasts after its last change, in ms. @default 100 */
  debounce?: number
}

/** The files a deployment is made of: modules and what they import (JSON); not editors' scratch files. */
const SOURCE = /\.(?:[cm]?[jt]sx?|json)$/

/**
 * Watches `dir` (its `_generated/`, dot files and `node_modules` left out) and `files`, and calls
 * `onChange` once after each burst of changes with what each changed file went through.
 */
export function watchFunctions(options: WatchOptions): Watcher {
  const { dir, files = [], cwd, onChange, debounce = 100 } = options
  const generated = `${dir}${sep}_generated`
  const extra = new Set(files)
  // The folders of the extra files are watched (a file that does not exist yet cannot be).
  const folders = new Set(files.map(file => dirname(file)))
  const ignored = (path: string, stats?: { isFile: () => boolean }) => {
    if (extra.has(path) || folders.has(path) || path === dir)
      return false
    const rel = relative(dir, path)
    if (rel.startsWith('..') || isAbsolute(rel))
      return true
    if (path === generated || path.startsWith(`${generated}${sep}`) || rel.split(sep).some(part => part.startsWith('.') || part === 'node_modules'))
      return true
    return !!stats?.isFile() && !SOURCE.test(path)
  }
  const watcher: FSWatcher = watch([dir, ...folders], { ignoreInitial: true, ignored, atomic: true })
  let pending = new Map<string, FileChange>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const record = (path: string, change: FileChange, folder = false) => {
    if (!folder && !extra.has(path) && !SOURCE.test(path))
      return
    const key = relative(cwd, path).split(sep).join('/')
    const before = pending.get(key)
    // Added then removed within one burst: nothing happened; removed then added: a change.
    if (before === 'added' && change === 'removed')
      pending.delete(key)
    else
      pending.set(key, before === 'removed' && change === 'added' ? 'changed' : before === 'added' ? 'added' : change)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const changes = pending
      pending = new Map()
      if (changes.size)
        onChange(changes)
    }, debounce)
  }
  watcher.on('add', path => record(path, 'added'))
  watcher.on('change', path => record(path, 'changed'))
  watcher.on('unlink', path => record(path, 'removed'))
  // A folder removed at once (its files may be reported with it, or not).
  watcher.on('unlinkDir', path => record(`${path}${sep}`, 'removed', true))
  const ready = new Promise<void>(resolve => watcher.once('ready', () => resolve()))
  return {
    ready,
    async close() {
      clearTimeout(timer)
      await watcher.close()
    },
  }
}

/** `notes.ts changed, greetings.ts added` (at most a few names, then a count). */
export function describeChanges(changes: Changes, max = 5): string {
  const parts = [...changes].map(([file, change]) => `${file} ${change}`)
  return parts.length > max ? `${parts.slice(0, max).join(', ')} and ${parts.length - max} more` : parts.join(', ')
}
