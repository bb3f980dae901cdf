// workpool 0.4.8's example app, unmodified (see README.md). Its references come from anyApi: its
// own code is written for its repository's compiler settings, not this one's.
import { anyApi } from 'convex/server'

export { default as schema } from './example/convex/schema'

export const api = anyApi
export const internal = anyApi

export const modules = import.meta.glob(['./example/convex/**/*.*s', '!**/*.d.ts', '!**/*.test.ts'])
