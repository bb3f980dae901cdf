// The plugin's injection keys, provided by createConvexVue and provideConvexClient.
import type { InjectionKey } from 'vue'
import type { ConvexClientLike, ConvexContext } from './types'

/** Injection key under which `createConvexVue` and `provideConvexClient` provide the client. */
export const ConvexClientKey: InjectionKey<ConvexClientLike> = /* #__PURE__ */ Symbol('vueuse-convex:client')

/** Injection key of the plugin's shared state (auth, SSR results). */
export const ConvexContextKey: InjectionKey<ConvexContext> = /* #__PURE__ */ Symbol('vueuse-convex:context')
