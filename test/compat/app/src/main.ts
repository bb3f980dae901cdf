import { createConvexVue } from '@vueuse-convex/core'
import { createSSRApp } from 'vue'
import App from './App.vue'

createSSRApp(App)
  .use(createConvexVue({ url: 'https://happy-otter-123.convex.cloud', initialState: (window as { __CONVEX__?: any }).__CONVEX__ }))
  .mount('#app')
