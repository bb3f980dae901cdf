// Server-rendered HTML with query results hydrates in the browser without a loading state.
import { createConvexVue, useConvexQuery } from '@vueuse-convex/core'
import { describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { api } from '../../docs/backend'
import { useTestConvex } from './helpers'

describe('hydration', () => {
  const convex = useTestConvex()

  it('adopts the server HTML and state, then goes live', async () => {
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    await convex.backend.run(ctx => ctx.db.insert('counters', { name: 'ssr', value: 4 }))
    const container = document.createElement('div')
    container.innerHTML = '<p>success 4</p>' // what renderToString produced on the server
    const statuses: string[] = []
    const App = defineComponent({
      setup() {
        const { data, status } = useConvexQuery(api.counter.get, { name: 'ssr' })
        statuses.push(status.value)
        return () => h('p', `${status.value} ${data.value}`)
      },
    })
    createSSRApp(App)
      .use(createConvexVue({ client: convex.client, initialState: { queries: { 'counter:get:{"name":"ssr"}': 4 } } }))
      .mount(container)
    expect(statuses).toEqual(['success'])
    expect(container.innerHTML).toBe('<p>success 4</p>')
    await convex.client.mutation(api.counter.increment, { name: 'ssr' })
    await vi.waitFor(() => expect(container.innerHTML).toBe('<p>success 5</p>'))
    expect(warn).not.toHaveBeenCalled() // no hydration mismatch
    expect(error).not.toHaveBeenCalled()
    warn.mockRestore()
    error.mockRestore()
  })
})
