// vi.waitFor gives up after 1 s by default: on a busy machine (CI runs the unit tests a second
// time beside CPU-bound processes) a live update can take longer than that without anything being
// wrong. A wait that has no timeout of its own gets 10 s; tests still fail when the state never comes.
import { vi } from 'vitest'

const waitFor = vi.waitFor
vi.waitFor = ((callback, options) => waitFor(callback, typeof options === 'number' ? options : { timeout: 10_000, ...options })) as typeof vi.waitFor
