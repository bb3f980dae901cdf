// The type-check of `vueuse-convex dev`, as `npx convex dev` runs it around a deploy: the app's own
// TypeScript (`tsc --project convex/ --noEmit`), in one of three modes — `enable` refuses to deploy
// code with type errors, `try` (the default) reports them and deploys anyway, `disable` skips it.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import process from 'node:process'

/** How `dev` type-checks the functions before (or, with `try`, while) it deploys them. */
export type TypecheckMode = 'enable' | 'try' | 'disable'

/** What a type-check found. */
export type TypecheckResult
  = | { status: 'passed' }
    | { status: 'failed', errors: string }
  /** No TypeScript installed, or no `tsconfig.json` in the functions folder. */
    | { status: 'skipped', reason: string }

/** The app's own `tsc` (from its `typescript` package), if it has one. */
function findTsc(cwd: string): string | undefined {
  try {
    return createRequire(join(cwd, 'package.json')).resolve('typescript/bin/tsc')
  }
  catch {
    return undefined
  }
}

/** Type-checks `dir` (the functions folder, with its `tsconfig.json`) with the app's TypeScript; `signal` stops it. */
export function typecheck(dir: string, cwd: string, signal?: AbortSignal): Promise<TypecheckResult> {
  const where = relative(cwd, dir) || '.'
  if (!existsSync(join(dir, 'tsconfig.json')))
    return Promise.resolve({ status: 'skipped', reason: `there is no ${where}/tsconfig.json to type-check the functions with (npx convex codegen --init writes one)` })
  const tsc = findTsc(cwd)
  if (!tsc)
    return Promise.resolve({ status: 'skipped', reason: 'TypeScript is not installed in this project (npm install -D typescript)' })
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '--project', dir, '--noEmit', '--pretty', 'false'], { cwd, maxBuffer: 64 * 1024 * 1024, signal }, (error, stdout, stderr) => {
      if (!error)
        resolve({ status: 'passed' })
      else
        resolve({ status: 'failed', errors: `${stdout}${stderr}`.trim() || error.message })
    })
  })
}

/**
 * Runs {@link typecheck} for each request, one at a time; requests made while one runs are
 * served by a single run after it (the latest files are the ones checked).
 */
export function createTypechecker(dir: string, cwd: string, report: (result: TypecheckResult) => void): { request: () => Promise<void>, close: () => void } {
  let running: Promise<void> | undefined
  let again: Promise<void> | undefined
  const stop = new AbortController()
  const run = async (): Promise<void> => {
    if (stop.signal.aborted)
      return
    const result = await typecheck(dir, cwd, stop.signal)
    if (!stop.signal.aborted)
      report(result)
  }
  return {
    /** Stops the check that runs (its `tsc`), and every later one. */
    close: () => stop.abort(),
    request() {
      if (!running) {
        running = run().finally(() => (running = undefined))
        return running
      }
      again ??= running.then(() => {
        again = undefined
        return this.request()
      })
      return again
    },
  }
}
