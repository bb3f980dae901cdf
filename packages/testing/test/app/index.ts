// A small app in the shape of Convex's public demos, with what the docs' app lacks: an HTTP
// router, crons, file uploads and a custom JWT provider. Its _generated/ is written by
// vueuse-convex-codegen (npm run codegen).
export { api, internal } from './convex/_generated/api'
export { default as schema } from './convex/schema'

export const modules = import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts'])
