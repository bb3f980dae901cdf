// Added by the module with `convex.auth.convexAuth`: the browser's session is Convex Auth 2's
// own client in its `ssr` mode, signed in through the module's routes (the refresh token stays
// in their httpOnly cookie), starting from the access token the page was rendered with.
import type { ConvexRuntimeConfig } from '../module'
import { useConvexAuthActions } from '@vueuse-convex/core/convex-auth'
import { makeFunctionReference } from 'convex/server'
import { defineNuxtPlugin, useRequestEvent, useRuntimeConfig } from 'nuxt/app'

/** The payload key of the access token the page was rendered with. */
const KEY = 'vueuseConvexAuthToken'

export default defineNuxtPlugin({
  name: 'vueuse-convex:convex-auth',
  dependsOn: ['vueuse-convex'],
  setup(nuxtApp) {
    const options = (useRuntimeConfig().public.convex as Partial<ConvexRuntimeConfig> | undefined)?.auth?.convexAuth
    if (!options)
      return
    if (import.meta.server)
      nuxtApp.payload[KEY] = (useRequestEvent()?.context as { convexAuth?: { token: string | null } } | undefined)?.convexAuth?.token ?? null
    const route = options.route ?? '/api/auth'
    useConvexAuthActions({
      server: { signIn: `${route}/signin`, refresh: `${route}/refresh`, signOut: `${route}/signout` },
      api: { isAuthenticated: makeFunctionReference<'query', Record<string, never>, boolean>(`${options.module ?? 'auth'}:isAuthenticated`) },
      initialToken: nuxtApp.payload[KEY] as string | null | undefined,
    })
  },
})
