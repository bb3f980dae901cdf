// Shared by the reliability tests: a seeded random source and a fresh in-memory backend.

/** A deterministic pseudo-random generator (mulberry32): the same seed, the same schedule. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export { useTestConvex } from '../../packages/core/_test'
