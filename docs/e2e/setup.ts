// Vitest global setup of the browser tests: find (or install) the browser once, for every file.
import process from 'node:process'
import { findChromium } from './chromium'

export default function setup() {
  process.env.CHROMIUM_PATH = findChromium()
}
