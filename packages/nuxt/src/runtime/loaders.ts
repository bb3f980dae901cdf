// Vue Router's data loaders in a Nuxt app (`convex: { loaders: true }`): pages can export
// `defineConvexLoader` loaders. Installed after Nuxt's router; its forced first navigation
// (`app:created`, on the server and in the browser) runs them before the page renders.
import { defineNuxtPlugin, useRouter } from 'nuxt/app'
import { DataLoaderPlugin } from 'vue-router/experimental'

export default defineNuxtPlugin({
  name: 'vueuse-convex:loaders',
  dependsOn: ['nuxt:router'],
  setup(nuxtApp) {
    nuxtApp.vueApp.use(DataLoaderPlugin, { router: useRouter(), isSSR: import.meta.server })
  },
})
