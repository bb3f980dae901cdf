// Installs vueuse-convex in a Nuxt app: the plugin's server results and signed-in state travel
// to the browser in the Nuxt payload, so the hydrating render matches the server's HTML.
import type { ConvexAuthProvider, ConvexSsrState } from '@vueuse-convex/core'
import type { ConvexRuntimeConfig } from '../module'
import { createConvexVue, useConvexAuth } from '@vueuse-convex/core'
import { defineNuxtPlugin, navigateTo, useCookie, useRequestEvent, useRouter, useRuntimeConfig } from 'nuxt/app'
import { watch } from 'vue'
import { requiresSignIn, signInRoute } from './routes'
import { tokenIfValid } from './token'

/** The payload key the server's state travels under. */
const KEY = 'vueuseConvex'

export default defineNuxtPlugin({
  name: 'vueuse-convex',
  enforce: 'pre',
  setup(nuxtApp) {
    const { url, clientOptions, auth } = (useRuntimeConfig().public.convex ?? {}) as Partial<ConvexRuntimeConfig>
    if (!url)
      throw new Error('[vueuse-convex] No Convex URL: set `convex: { url }` in nuxt.config.ts, or NUXT_PUBLIC_CONVEX_URL when the app starts.')
    // Convex Auth 2: the server read (refreshed, verified) the session from its cookies; the
    // browser's session is convexAuth.ts's.
    const convexAuth = auth?.convexAuth
    const serverToken = import.meta.server && convexAuth
      ? (useRequestEvent()?.context as { convexAuth?: { token: string | null } } | undefined)?.convexAuth?.token ?? null
      : null
    const plugin = createConvexVue({
      url,
      clientOptions,
      initialState: import.meta.client ? nuxtApp.payload[KEY] as ConvexSsrState | undefined : undefined,
      auth: convexAuth
        ? import.meta.server ? { isLoading: false, isAuthenticated: serverToken !== null, fetchAccessToken: async () => serverToken } : undefined
        : auth?.cookie ? cookieAuth(auth.cookie) : undefined,
    })
    nuxtApp.vueApp.use(plugin)
    // Serialized after the render, once every query of the page has its result.
    if (import.meta.server)
      nuxtApp.payload[KEY] = plugin.state
    // A page that needs a signed-in user leaves as soon as there is none (signed out here or
    // in another tab, or the server ended the session).
    if (import.meta.client) {
      const { isLoading, isAuthenticated } = useConvexAuth()
      const router = useRouter()
      watch(() => !isLoading.value && !isAuthenticated.value, (signedOut) => {
        const route = router.currentRoute.value
        const target = signedOut && requiresSignIn(route) ? signInRoute(nuxtApp, route) : null
        if (target)
          void nuxtApp.runWithContext(() => navigateTo(target))
      })
    }
  },
})

/**
 * Signed in while the cookie holds an unexpired token: read from the request on the server,
 * from `document.cookie` in the browser, and followed across tabs. With `auth.verify`, the
 * server render counts the token only once its signature is checked (server/cookieSession.ts).
 */
function cookieAuth(name: string): ConvexAuthProvider {
  const verified = import.meta.server ? (useRequestEvent()?.context as { convexCookie?: { token: string | null } } | undefined)?.convexCookie : undefined
  if (verified)
    return { isLoading: false, isAuthenticated: verified.token !== null, fetchAccessToken: async () => verified.token }
  const token = useCookie<string | null>(name, { readonly: true })
  return {
    isLoading: false,
    isAuthenticated: () => !!tokenIfValid(token.value),
    fetchAccessToken: async () => tokenIfValid(token.value),
  }
}
