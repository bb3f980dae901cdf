import type { InjectionKey } from 'vue'
import type { ConvexClientLike } from './index'

/** Injection key under which `createConvexVue` and `provideConvexClient` provide the client. */
export const ConvexClientKey: InjectionKey<ConvexClientLike> = Symbol('vueuse-convex:client')
