import type { Theme } from 'vitepress'
import DefaultTheme from 'vitepress/theme'
import './style.css'

/**
 * The live demos talk to `VITE_CONVEX_URL` when it is set, and otherwise to the demo
 * backend (docs/convex) running in the page on @vueuse-convex/testing.
 */
export default {
  extends: DefaultTheme,
  async enhanceApp({ app }) {
    if (import.meta.env.SSR)
      return // demos render in the browser only (<ClientOnly>): no client, no socket on the server
    const url = import.meta.env.VITE_CONVEX_URL as string | undefined
    if (url) {
      const { createConvexVue } = await import('@vueuse-convex/core')
      app.use(createConvexVue({ url }))
      return
    }
    const [{ createTestConvex }, { api, modules, schema }] = await Promise.all([
      import('@vueuse-convex/testing'),
      import('../../docs/backend'),
    ])
    const convex = createTestConvex({ schema, modules })
    // Latency that a real model, mail service or card processor would have.
    convex.backend.setLatency(api.ai.generate, 1200)
    convex.backend.setLatency(api.email.send, 600)
    convex.backend.setLatency(api.payments.process, 800)
    convex.backend.setLatency(api.counter.increment, 700)
    app.use(convex)
    // Lets the connection demo cut the in-memory network.
    app.provide('vueuse-convex:demo-backend', convex.backend)
  },
} satisfies Theme
