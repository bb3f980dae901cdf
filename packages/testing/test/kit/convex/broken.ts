// A module whose import fails: the npm package is not installed.
// @ts-expect-error -- deliberately missing
import missing from 'vueuse-convex-not-installed'
import { internalMutation, query } from './_generated/server'

export const answer = query({ args: {}, handler: () => missing as number })
export const job = internalMutation({ args: {}, handler: () => {} })
