// The docs' demo backend: the functions in ./convex, for the live demos and the tests.
export { api, internal } from './convex/_generated/api'
export { default as schema } from './convex/schema'

/** Every module of ./convex, as convex-test expects them (including _generated). */
export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])
