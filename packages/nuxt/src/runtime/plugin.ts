// Installs vueuse-convex in a Nuxt app: the plugin's server results and signed-in state travel
// to the browser in the Nuxt payload, so the hydrating render matches the server's HTML.
import type { ConvexSsrState } from '@vueuse-convex/core'
import type { ConvexRuntimeConfig } from '../module'
import { createConvexVue } from '@vueuse-convex/core'
import { defineNuxtPlugin, useRuntimeConfig } from 'nuxt/app'

/** The payload key the server's state travels under. */
const KEY = 'vueuseConvex'

export default defineNuxtPlugin({
  name: 'vueuse-convex',
  enforce: 'pre',
  setup(nuxtApp) {
    const { url, clientOptions } = (useRuntimeConfig().public.convex ?? {}) as Partial<ConvexRuntimeConfig>
    if (!url)
      throw new Error('[vueuse-convex] No Convex URL: set `convex: { url }` in nuxt.config.ts, or NUXT_PUBLIC_CONVEX_URL when the app starts.')
    const plugin = createConvexVue({
      url,
      clientOptions,
      initialState: import.meta.client ? nuxtApp.payload[KEY] as ConvexSsrState | undefined : undefined,
    })
    nuxtApp.vueApp.use(plugin)
    // Serialized after the render, once every query of the page has its result.
    if (import.meta.server)
      nuxtApp.payload[KEY] = plugin.state
  },
})
