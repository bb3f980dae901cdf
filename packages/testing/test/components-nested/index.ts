// An app that uses a component which nests another (Convex Auth 2's password component and its
// rate limiter) and imports a `.wasm` module.
export { api } from './convex/_generated/api'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])
