// The watcher of `vueuse-convex dev`: calls back once per burst of changes in the functions folder
// (`_generated` and dot files left out).
import { watch } from 'node:fs'

/** A running watcher. */
export interface Watcher {
  close: () => void
}

/** Watches `dir` and calls `onChange` once after each burst of changes. */
export function watchFunctions(dir: string, onChange: () => void): Watcher {
  let timer: ReturnType<typeof setTimeout> | undefined
  const watcher = watch(dir, { recursive: true }, (_event, file) => {
    if (!file || String(file).startsWith('_generated') || /(?:^|[/\\])\./.test(String(file)))
      return
    clearTimeout(timer)
    timer = setTimeout(onChange, 100)
  })
  return {
    close() {
      watcher.close()
      clearTimeout(timer)
    },
  }
}
