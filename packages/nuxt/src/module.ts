import type { Nuxt, NuxtModule } from '@nuxt/schema'
import type { ConvexClientOptions } from 'convex/browser'
import type { TokenIssuer } from './runtime/server/verify'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { addComponent, addDevServerHandler, addImports, addPlugin, addRouteMiddleware, addServerHandler, addServerImports, createResolver, defineNuxtModule } from '@nuxt/kit'
import { defineEventHandler, setResponseHeader } from 'h3'
import { DEVTOOLS_TAB_ROUTE, devtoolsTabHtml } from './devtools'
import { components, composables } from './exports'

/** Options of the module, under `convex` in `nuxt.config`. */
export interface ModuleOptions {
  /**
   * Your deployment's URL. Left unset, the module reads it from the environment when Nuxt
   * starts or builds (`.env` included): `NUXT_PUBLIC_CONVEX_URL`, else `CONVEX_URL`, else
   * `VITE_CONVEX_URL`. At run time `NUXT_PUBLIC_CONVEX_URL` overrides it, so one build
   * serves every deployment.
   * @default process.env.NUXT_PUBLIC_CONVEX_URL || process.env.CONVEX_URL || process.env.VITE_CONVEX_URL
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
   * The app's own Convex code, auto-imported from the `#convex` folder (default `convex/` at the
   * root, or the `functions` folder `convex.json` names; nothing when there is no such folder).
   * @default { api: true }
   */
  imports?: ModuleImportsOptions
  /**
   * Signing in, for pages and server routes alike: see {@link ModuleAuthOptions}.
   * @default {}
   */
  auth?: ModuleAuthOptions
  /**
   * Install Vue Router's data loaders (`DataLoaderPlugin` of `vue-router/experimental`) after
   * Nuxt's router, so that pages can export `defineConvexLoader` loaders (auto-imported with
   * `autoImports`, from `@vueuse-convex/core/loaders`).
   * @default false
   */
  loaders?: boolean
}

/** The `imports` options of the module. */
export interface ModuleImportsOptions {
  /**
   * Auto-import `api` from `convex/_generated/api` in pages, components and server routes, and
   * the `Id` and `Doc` types of `convex/_generated/dataModel`. `internal` is never
   * auto-imported: internal functions cannot be called from the app.
   * @default true
   */
  api?: boolean
}

export type { TokenIssuer }

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
   * Check the cookie's token on the server before it counts: its signature against the
   * provider's published keys, its issuer, audience and expiry — the provider of your
   * `convex/auth.config.ts`: `{ issuer: domain, audience: applicationID }` for an OIDC provider
   * (its keys found through `${issuer}/.well-known/openid-configuration`), `{ issuer, jwks }`
   * for a `customJwt` one. A forged cookie then renders signed out (the `convex-auth`
   * middleware redirects), and `useConvexServer(event)` calls signed out. Without it only the
   * expiry is read on the server; Convex still checks the signature of every call.
   * @default undefined
   */
  verify?: TokenIssuer
  /**
   * Where a signed-out user is sent from a page with `definePageMeta({ middleware:
   * 'convex-auth' })`, with the page asked for in `?redirect=`.
   * @default '/'
   */
  redirectTo?: string
  /**
   * Convex Auth 2 (`@convex-dev/auth`) with the refresh token in an httpOnly cookie: the module
   * mounts its sign-in proxy, refresh and sign-out routes, signs the browser in through them,
   * and reads (refreshes, verifies) the session from the cookies for the page render, the
   * `convex-auth` middleware and `useConvexServer(event)`. See {@link ConvexAuthModuleOptions}.
   * @default undefined
   */
  convexAuth?: ConvexAuthModuleOptions
}

/** Convex Auth 2 in the module (`convex.auth.convexAuth`). */
export interface ConvexAuthModuleOptions {
  /**
   * The sign-in functions the sign-in proxy may call, by name: every function of yours that
   * starts a session, e.g. `['auth:signInWithUsernamePassword', 'auth:signUpWithUsernamePassword']`.
   */
  signIn: string[]
  /**
   * The module of `convex/` that exports `setupConvexAuth`'s `refreshSession`, `signOut` and `isAuthenticated`.
   * @default 'auth'
   */
  module?: string
  /**
   * Where the routes are mounted: `<route>/signin`, `<route>/refresh`, `<route>/signout`.
   * @default '/api/auth'
   */
  route?: string
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
 * // nuxt.config.ts (the URL from NUXT_PUBLIC_CONVEX_URL, CONVEX_URL or VITE_CONVEX_URL in .env)
 * export default defineNuxtConfig({ modules: ['@vueuse-convex/nuxt'] })
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
    imports: { api: true },
  },
  setup(options: ModuleOptions, nuxt: Nuxt) {
    const { resolve } = createResolver(import.meta.url)
    const config = nuxt.options.runtimeConfig.public as { convex?: Partial<ConvexRuntimeConfig> }
    config.convex = {
      url: options.url || urlFromEnv(),
      clientOptions: options.clientOptions ?? {},
      auth: { redirectTo: '/', ...options.auth },
      ...config.convex,
    }
    addPlugin({ src: resolve('./runtime/plugin'), mode: 'all' })
    // Data loaders (defineConvexLoader): after Nuxt's router, whose first navigation runs them.
    if (options.loaders) {
      addPlugin({ src: resolve('./runtime/loaders'), mode: 'all' })
      if (options.autoImports !== false)
        addImports({ name: 'defineConvexLoader', from: '@vueuse-convex/core/loaders' })
    }
    // `definePageMeta({ middleware: 'convex-auth' })` requires a signed-in user.
    addRouteMiddleware({ name: 'convex-auth', path: resolve('./runtime/middleware/auth') })
    // Convex in server routes, server middleware and server plugins.
    addServerImports(['useConvexServer', 'getConvexToken', 'toH3Error'].map(name => ({ name, from: resolve('./runtime/server/convex') })))
    // auth.cookie with auth.verify: the cookie's token checked against the provider's keys first.
    if (options.auth?.cookie && options.auth.verify)
      addServerHandler({ middleware: true, handler: resolve('./runtime/server/cookieSession') })
    // Convex Auth 2: its routes, and the session read from its cookies before anything renders.
    if (options.auth?.convexAuth) {
      addServerHandler({ route: `${options.auth.convexAuth.route ?? '/api/auth'}/:action`, handler: resolve('./runtime/server/convexAuthRoutes') })
      addServerHandler({ middleware: true, handler: resolve('./runtime/server/convexAuthSession') })
      addPlugin({ src: resolve('./runtime/convexAuth'), mode: 'all' })
      if (options.autoImports !== false)
        addImports({ name: 'useConvexAuthActions', from: '@vueuse-convex/core/convex-auth' })
    }
    // `#convex/_generated/api` for the app's own convex/ folder, in pages and server routes.
    nuxt.options.alias['#convex'] ??= resolve(nuxt.options.rootDir, convexFolder(nuxt.options.rootDir))
    // --- the app's `api`, `Id` and `Doc`, auto-imported (imports.api) ---
    const generated = resolve(nuxt.options.alias['#convex'], '_generated')
    if (options.imports?.api !== false && existsSync(generated)) {
      const api = { name: 'api', from: resolve(generated, 'api') }
      addImports(api)
      addServerImports([api])
      addImports(['Id', 'Doc'].map(name => ({ name, from: resolve(generated, 'dataModel'), type: true })))
    }
    // Convex's entries that the module's client code and `convex/_generated` import, optimized up
    // front: otherwise Vite finds them on the first page load and reloads the page.
    const vite = nuxt.options.vite
    vite.optimizeDeps ??= {}
    vite.optimizeDeps.include = [...vite.optimizeDeps.include ?? [], 'convex/browser', 'convex/server', 'convex/values']
    // --- end ---
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

/** The deployment's URL as the environment names it (Nuxt has loaded `.env` by now). */
function urlFromEnv(): string {
  return process.env.NUXT_PUBLIC_CONVEX_URL || process.env.CONVEX_URL || process.env.VITE_CONVEX_URL || ''
}

/** The app's Convex folder under `rootDir`: what `convex.json` names in `functions`, else `convex`. */
function convexFolder(rootDir: string): string {
  try {
    const functions: unknown = JSON.parse(readFileSync(join(rootDir, 'convex.json'), 'utf8')).functions
    if (typeof functions === 'string' && functions)
      return functions
  }
  catch {}
  return 'convex'
}

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
