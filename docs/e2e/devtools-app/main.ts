// A plain Vue app (no Nuxt, no VitePress) on the docs' in-memory backend, with Vue Devtools
// in the page (vite-plugin-vue-devtools): what devtools.e2e.ts opens and photographs.
import { createTestConvex } from '@vueuse-convex/testing'
import { createApp } from 'vue'
import { api, modules, schema } from '../../backend'
import App from './App.vue'

const convex = createTestConvex({ schema, modules })
convex.backend.setLatency(api.ai.generate, 300)
void convex.client.mutation(api.messages.seed, { count: 6 })
createApp(App).use(convex).mount('#app')
