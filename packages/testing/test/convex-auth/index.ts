// Convex Auth's own setup (@convex-dev/auth: convexAuth with the Password provider, its
// auth.config.ts and http.ts), to run its sign-in flows against the in-memory backend.
// Its _generated/ is written by vueuse-convex-codegen (npm run codegen).
export { api } from './convex/_generated/api'
export { default as schema } from './convex/schema'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])
