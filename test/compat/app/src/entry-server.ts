import { createConvexVue } from '@vueuse-convex/core'
import { createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import App from './App.vue'

/** Renders the app on the server, as an SSR framework would; the page's queries go over HTTP. */
export async function render() {
  const convex = createConvexVue({ url: 'https://happy-otter-123.convex.cloud' })
  const html = await renderToString(createSSRApp(App).use(convex))
  return { html, state: convex.state }
}
