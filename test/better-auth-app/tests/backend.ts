// The fixture's Convex backend (its convex/ folder, with @convex-dev/better-auth's component)
// on vueuse-convex's in-memory backend, served over HTTP and WebSocket for every test file: the
// browser-like tests (happy-dom) and the Nuxt app's server talk to it as to a deployment.
import type { TestProject } from 'vitest/node'
import betterAuth from '@convex-dev/better-auth/test'
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'

const modules = import.meta.glob(['../convex/**/*.*s', '!**/*.d.ts'])

declare module 'vitest' {
  export interface ProvidedContext {
    /** The deployment's URL, for `new ConvexClient(url)`. */
    convexUrl: string
    /** Its site URL, where `convex/http.ts` answers: Better Auth's routes. */
    siteUrl: string
  }
}

export default async function setup(project: TestProject) {
  const convex = createTestConvex({ modules, components: { betterAuth }, env: { BETTER_AUTH_SECRET: 'a-test-secret-of-at-least-32-characters' } })
  const server = await serveTestConvex(convex.backend)
  // Better Auth's own URL: the component's routes on the deployment's site URL.
  convex.backend.setEnv('SITE_URL', server.siteUrl)
  project.provide('convexUrl', server.url)
  project.provide('siteUrl', server.siteUrl)
  return async () => {
    await server.close()
    await convex.close()
  }
}
