// @vitest-environment node
// A real upload over HTTP: the in-memory backend served on a port (serveTestConvex), reached
// by fetch as from Node, where there is no XMLHttpRequest (progress is then only "done").
import { createTestConvex } from '@vueuse-convex/testing'
import { serveTestConvex } from '@vueuse-convex/testing/node'
import { ConvexHttpClient } from 'convex/browser'
import { expect, it } from 'vitest'
import { effectScope } from 'vue'
import { useConvexUpload } from '.'
import { api, modules, schema } from '../../../docs/backend'

it('uploads over HTTP to a served backend and saves the file', async () => {
  const convex = createTestConvex({ schema, modules })
  const server = await serveTestConvex(convex.backend)
  try {
    const client = new ConvexHttpClient(server.url, { skipConvexDeploymentUrlCheck: true })
    const scope = effectScope()
    const files = scope.run(() => useConvexUpload(api.files.generateUploadUrl, { client, save: api.files.save }))!
    const blob = new Blob(['hello over the wire'], { type: 'text/plain' })
    const id = await files.upload(blob, { name: 'hello.txt', type: blob.type })
    expect([files.status.value, files.progress.value, files.data.value]).toEqual(['success', 1, id])
    const [saved] = await client.query(api.files.list, {})
    expect(saved).toMatchObject({ storageId: id, name: 'hello.txt' })
    expect(new URL(saved!.url!).origin).toBe(new URL(server.url).origin)
    expect(await (await fetch(saved!.url!)).text()).toBe('hello over the wire')
    scope.stop()
  }
  finally {
    await server.close()
    await convex.close()
  }
})
