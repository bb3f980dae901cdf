// An app that uses a Convex component (@convex-dev/rate-limiter), twice under two names.
export { api } from './convex/_generated/api'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])
