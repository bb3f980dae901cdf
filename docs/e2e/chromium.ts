// Finds a Chromium for the browser tests, and on a Debian machine where none is installed,
// installs Debian's `chromium` (saying so), so that `npm ci && npm test` works by itself.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { chromium } from 'playwright-core'

/** Starts headless Chromium as every browser test does (the one found by the global setup). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? findChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Where a Chromium or Chrome usually is, in the order tried after `CHROMIUM_PATH`. */
function candidates(): string[] {
  const list = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ]
  if (process.env.PROGRAMFILES)
    list.push(join(process.env.PROGRAMFILES, 'Google/Chrome/Application/chrome.exe'))
  try {
    list.push(chromium.executablePath()) // Playwright's cache, if a browser was installed there
  }
  catch {}
  return list
}

function has(command: string) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  }
  catch {
    return false
  }
}

const FIX = 'Install one with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chrome or Chromium executable.'

/** The path of a Chromium to drive; installs Debian's when that is possible here. Throws with the fix otherwise. */
export function findChromium(log: (line: string) => void = line => process.stderr.write(`${line}\n`)): string {
  const explicit = process.env.CHROMIUM_PATH
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`CHROMIUM_PATH is ${explicit}, which does not exist. ${FIX}`)
    return explicit
  }
  const found = candidates().find(path => existsSync(path))
  if (found)
    return found
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  const sudo = !root && has('sudo') && (() => {
    try {
      execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' })
      return true
    }
    catch {
      return false
    }
  })()
  if (process.platform === 'linux' && has('apt-get') && (root || sudo)) {
    log('No Chromium found for the browser tests: installing Debian\'s chromium with apt-get (once; about a minute)...')
    const run = (args: string[]) => execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : ['-n', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    run(['apt-get', 'update', '-qq'])
    run(['apt-get', 'install', '-y', '-qq', 'chromium'])
    if (existsSync('/usr/bin/chromium')) {
      log('Installed /usr/bin/chromium.')
      return '/usr/bin/chromium'
    }
  }
  throw new Error(`No Chromium found for the browser tests. ${FIX}`)
}
