/**
 * What the docs' code examples assume without importing it (scripts/check-examples.ts): the
 * auto-imports of a Vue or Nuxt app (the packages' exports, Vue's API), the app's generated
 * `api`, and a few helpers of the surrounding app that an example only calls.
 * Every name here is one an example uses; add one only with the example that needs it.
 */
import type * as Core from '@vueuse-convex/core'
import type * as Testing from '@vueuse-convex/testing'
import type * as ConvexServer from 'convex/server'
import type * as ConvexValues from 'convex/values'
import type * as Vitest from 'vitest'
import type * as Vue from 'vue'
import type { Router } from 'vue-router'
import type * as Api from '../docs/convex/_generated/api'
import type * as DataModel from '../docs/convex/_generated/dataModel'
import type * as Server from '../docs/convex/_generated/server'
import type {} from '../packages/nuxt/src/module'

declare global {
  // The packages' composables, auto-imported as in the Nuxt module or unplugin-auto-import.
  const createConvexVue: typeof Core.createConvexVue
  const provideConvexClient: typeof Core.provideConvexClient
  const useConvexAction: typeof Core.useConvexAction
  const useConvexAuth: typeof Core.useConvexAuth
  const useConvexClient: typeof Core.useConvexClient
  const useConvexConnectionState: typeof Core.useConvexConnectionState
  const useConvexMutation: typeof Core.useConvexMutation
  const useConvexPaginatedQuery: typeof Core.useConvexPaginatedQuery
  const useConvexQueries: typeof Core.useConvexQueries
  const useConvexQuery: typeof Core.useConvexQuery
  const insertAtTop: typeof Core.insertAtTop
  const convexClerk: typeof Core.convexClerk
  const convexAuth0: typeof Core.convexAuth0
  const convexBetterAuth: typeof Core.convexBetterAuth
  const useConvexAuthActions: typeof import('@vueuse-convex/core/convex-auth').useConvexAuthActions
  const prefetchConvexQuery: typeof Core.prefetchConvexQuery
  const createTestConvex: typeof Testing.createTestConvex

  // Vue's API, auto-imported the same way.
  const ref: typeof Vue.ref
  const computed: typeof Vue.computed
  const watch: typeof Vue.watch
  const onUnmounted: typeof Vue.onUnmounted
  const createApp: typeof Vue.createApp
  const createSSRApp: typeof Vue.createSSRApp
  const renderToString: typeof import('vue/server-renderer').renderToString

  // The app's Convex backend (docs/convex) and its generated types.
  const api: typeof Api.api
  type Id<Table extends DataModel.TableNames | '_storage'> = DataModel.Id<Table>
  type Doc<Table extends DataModel.TableNames> = DataModel.Doc<Table>
  const query: typeof Server.query
  const v: typeof ConvexValues.v
  const ConvexError: typeof ConvexValues.ConvexError
  const paginationOptsValidator: typeof ConvexServer.paginationOptsValidator

  // Nuxt's auto-imports.
  // Typed as Nuxt types it, with the module's own `convex` key (a misspelt option fails).
  const defineNuxtConfig: (config: import('@nuxt/schema').NuxtConfig) => unknown
  const defineNuxtPlugin: (plugin: { dependsOn?: string[], setup: () => void }) => unknown
  const useCookie: <T>(name: string) => Vue.Ref<T>
  const definePageMeta: (meta: { middleware?: 'convex-auth' | Array<'convex-auth'> }) => void
  const useRoute: () => import('vue-router').RouteLocationNormalizedLoaded
  // Nitro's auto-imports in server routes, the module's server utilities among them.
  const defineEventHandler: typeof import('h3').defineEventHandler
  const readBody: typeof import('h3').readBody
  const createError: typeof import('h3').createError
  const useConvexServer: typeof import('../packages/nuxt/src/runtime/server/convex').useConvexServer
  const getConvexToken: typeof import('../packages/nuxt/src/runtime/server/convex').getConvexToken

  // Vitest and Vite.
  const vi: typeof Vitest.vi
  const defineConfig: typeof import('vitest/config').defineConfig
  const vue: typeof import('@vitejs/plugin-vue').default

  // The surrounding app: what an example calls but does not define.
  const App: Vue.Component
  const app: Vue.App
  const url: string
  const router: Router
  const counterName: Vue.Ref<string | undefined>
  const selectedMethod: Vue.Ref<string>
  const showError: (message: string) => void
  const httpClient: import('convex/browser').ConvexHttpClient
  const fetchToken: () => Promise<string | null>
  const request: Request
  const readCookie: (request: Request, name: string) => string | undefined
  /** A Better Auth client with the Convex plugin, as far as the example uses it. */
  const authClient: Core.BetterAuthClientLike
  const auth0: { getTokenSilently: (options?: { cacheMode?: 'on' | 'off' }) => Promise<string> }
  /** Clerk's `useAuth` from @clerk/vue, as far as the example uses it. */
  const useAuth: () => { isLoaded: Vue.Ref<boolean>, isSignedIn: Vue.Ref<boolean | undefined>, getToken: Vue.Ref<(options?: { template?: string, skipCache?: boolean }) => Promise<string | null>> }
  /** `useAuth0` from @auth0/auth0-vue, as far as the example uses it. */
  const useAuth0: () => { isLoading: Vue.Ref<boolean>, isAuthenticated: Vue.Ref<boolean>, getAccessTokenSilently: (options: { detailedResponse: true, cacheMode?: 'on' | 'off' }) => Promise<{ id_token: string }> }
  // A test's backend, as the createTestConvex page sets it up.
  const convex: ReturnType<typeof Testing.createTestConvex>
  const schema: Parameters<typeof Testing.createTestConvex>[0]['schema']
  const modules: Record<string, () => Promise<any>>
  const payload: string

  interface Window {
    __CONVEX__: Core.ConvexSsrState
  }
}

export {}
