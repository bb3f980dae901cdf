// A Vite app (no Nuxt) signing in with Convex Auth 2, as the sign-in page shows it; driven in
// Chromium by ../convex-auth-vite.e2e.ts.
import { createConvexVue } from '@vueuse-convex/core'
import { createApp } from 'vue'
import App from './App.vue'

createApp(App).use(createConvexVue({ url: import.meta.env.VITE_CONVEX_URL })).mount('#app')
