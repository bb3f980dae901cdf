// The test kit's own fixtures: scheduling chains, a module whose import fails, a local component
// with crons of its own. Its _generated/ is written by vueuse-convex-codegen (npm run codegen).
import counterSchema from './convex/counter/schema'

export { api, internal } from './convex/_generated/api'
export { default as schema } from './convex/schema'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts', '!./convex/counter/**'])

/** The local component `counter` (convex/counter/): no /test entry, so its schema and modules as they are. */
export const counter = {
  schema: counterSchema,
  modules: import.meta.glob(['./convex/counter/**/*.*s', '!**/*.d.ts']),
}
