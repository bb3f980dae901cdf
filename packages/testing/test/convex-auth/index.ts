// Convex Auth 2's own setup (@convex-dev/auth: its component with the username + password
// method, convexAuthProvider() in auth.config.ts), to run its sign-in flows against the
// in-memory backend. Its _generated/ is written by vueuse-convex-codegen (npm run codegen).
import auth from '@convex-dev/auth/components/password/test'
import usernames from '@convex-dev/auth/components/username/test'
import core from '@convex-dev/auth/test'

export { api } from './convex/_generated/api'
export { default as schema } from './convex/schema'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])

/** The components convex.config.ts uses, as their test entries export them. */
export const components = { auth: core, authPassword: auth, authUsername: usernames }
