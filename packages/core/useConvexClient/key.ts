import type { InjectionKey } from 'vue'
import type { ConvexContext } from '../_internal/context'
import type { ConvexClientLike } from './index'

/** Injection key under which `createConvexVue` and `provideConvexClient` provide the client. */
export const ConvexClientKey: InjectionKey<ConvexClientLike> = /* #__PURE__ */ Symbol('vueuse-convex:client')

/** Injection key of the plugin's shared state (auth, SSR results). */
export const ConvexContextKey: InjectionKey<ConvexContext> = /* #__PURE__ */ Symbol('vueuse-convex:context')
