import type { Nuxt, NuxtModule } from '@nuxt/schema'
import type { ConvexClientOptions } from 'convex/browser'
import { addComponent, addDevServerHandler, addImports, addPlugin, addRouteMiddleware, addServerImports, createResolver, defineNuxtModule } from '@nuxt/kit'
import { defineEventHandler, setResponseHeader } from 'h3'
import { DEVTOOLS_TAB_ROUTE, devtoolsTabHtml } from './devtools'
import { components, composables } from './exports'

/** Options of the module, under `convex` in `nuxt.config`. */
export interface ModuleOptions {
  /**
   * Your deployment's URL. At run time `NUXT_PUBLIC_CONVEX_URL` overrides it, so one build
   * serves every deployment.
   * @default process.env.NUXT_PUBLIC_CONVEX_URL
   */
  url?: string
  /**
   * Passed to `new ConvexClient(url, clientOptions)` in the browser (JSON values only: they
   * travel in the runtime config).
   * @default {}
   */
  clientOptions?: ConvexClientOptions
  /**
   * Auto-import every composable of `@vueuse-convex/core` and register its components
   * (`<Authenticated>`, `<Unauthenticated>`, `<AuthLoading>`).
   * @default true
   */
  autoImports?: boolean
  /**
   * Signing in, for pages and server routes alike: see {@link ModuleAuthOptions}.
   * @default {}
   */
  auth?: ModuleAuthOptions
}

/** The `auth` options of the module. */
export interface ModuleAuthOptions {
  /**
   * The cookie that holds the signed-in user's Convex JWT. When set, the page render, the
   * browser and `useConvexServer(event)` all read the user from it (an expired token is no
   * user), and the app needs no auth plugin of its own. Leave it unset when the app calls
   * `useConvexAuth().setAuth()` itself (server routes then take `Authorization: Bearer`).
   * @default undefined
   */
  cookie?: string
  /**
   * Where a signed-out user is sent from a page with `definePageMeta({ middleware:
   * 'convex-auth' })`, with the page asked for in `?redirect=`.
   * @default '/'
   */
  redirectTo?: string
}

/** What the module puts in `runtimeConfig.public.convex`. */
export interface ConvexRuntimeConfig {
  url: string
  clientOptions: ConvexClientOptions
  auth: ModuleAuthOptions
}

/**
 * The Nuxt module of vueuse-convex: installs the plugin (an HTTP client while rendering on the
 * server, a live `ConvexClient` in the browser), hands the server's query results and
 * signed-in state to the browser through the Nuxt payload, and auto-imports the composables.
 *
 * @example
 * // nuxt.config.ts
 * export default defineNuxtConfig({ modules: ['@vueuse-convex/nuxt'], convex: { url: process.env.CONVEX_URL } })
 */
const module: NuxtModule<ModuleOptions> = defineNuxtModule<ModuleOptions>({
  meta: {
    name: '@vueuse-convex/nuxt',
    configKey: 'convex',
    compatibility: { nuxt: '>=3.16.0' },
  },
  defaults: {
    url: '',
    clientOptions: {},
    autoImports: true,
    auth: {},
  },
  setup(options: ModuleOptions, nuxt: Nuxt) {
    const { resolve } = createResolver(import.meta.url)
    const config = nuxt.options.runtimeConfig.public as { convex?: Partial<ConvexRuntimeConfig> }
    config.convex = {
      url: options.url ?? '',
      clientOptions: options.clientOptions ?? {},
      auth: { redirectTo: '/', ...options.auth },
      ...config.convex,
    }
    addPlugin({ src: resolve('./runtime/plugin'), mode: 'all' })
    // `definePageMeta({ middleware: 'convex-auth' })` requires a signed-in user.
    addRouteMiddleware({ name: 'convex-auth', path: resolve('./runtime/middleware/auth') })
    // Convex in server routes, server middleware and server plugins.
    addServerImports(['useConvexServer', 'getConvexToken', 'toH3Error'].map(name => ({ name, from: resolve('./runtime/server/convex') })))
    // `#convex/_generated/api` for the app's own convex/ folder, in pages and server routes.
    nuxt.options.alias['#convex'] ??= resolve(nuxt.options.rootDir, 'convex')
    if (nuxt.options.dev) {
      // Nuxt DevTools lists only its own tabs, not Vue Devtools' custom inspectors: a "Convex"
      // tab shows the same inspector (live queries, paginated lists, auth, connection).
      addDevServerHandler({
        route: DEVTOOLS_TAB_ROUTE,
        handler: defineEventHandler((event) => {
          setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
          return devtoolsTabHtml
        }),
      })
      ;(nuxt.hook as (name: string, fn: (tabs: object[]) => void) => void)('devtools:customTabs', (tabs) => {
        tabs.push({ name: 'vueuse-convex', title: 'Convex', icon: 'carbon:data-base', view: { type: 'iframe', src: DEVTOOLS_TAB_ROUTE } })
      })
    }
    if (options.autoImports !== false) {
      addImports(composables.map(name => ({ name, from: '@vueuse-convex/core' })))
      for (const name of components)
        addComponent({ name, export: name, filePath: '@vueuse-convex/core' })
    }
  },
})

export default module

// The `convex` key of nuxt.config.ts, and what the module puts in the runtime config, are typed.
declare module '@nuxt/schema' {
  interface NuxtConfig {
    /** vueuse-convex (`@vueuse-convex/nuxt`). */
    convex?: ModuleOptions
  }
  interface NuxtOptions {
    convex: ModuleOptions
  }
  interface PublicRuntimeConfig {
    convex: ConvexRuntimeConfig
  }
}
