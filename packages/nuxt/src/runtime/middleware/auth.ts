// `definePageMeta({ middleware: 'convex-auth' })`: the page needs a signed-in user. On the
// server a signed-out request is redirected before any of the page renders; in the browser
// the navigation waits for auth to load, so the page never shows to a signed-out user.
import { useConvexAuth } from '@vueuse-convex/core'
import { defineNuxtRouteMiddleware, navigateTo, useNuxtApp } from 'nuxt/app'
import { watch } from 'vue'
import { signInRoute } from '../routes'

export default defineNuxtRouteMiddleware(async (to) => {
  const nuxtApp = useNuxtApp()
  const auth = useConvexAuth()
  if (auth.isLoading.value) {
    await new Promise<void>((resolve) => {
      const stop = watch(auth.isLoading, (loading) => {
        if (!loading) {
          stop()
          resolve()
        }
      })
    })
  }
  const target = signInRoute(nuxtApp, to)
  if (!auth.isAuthenticated.value && target)
    return nuxtApp.runWithContext(() => navigateTo(target))
})
