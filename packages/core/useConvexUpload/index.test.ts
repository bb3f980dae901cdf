import type { GenericId } from 'convex/values'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { watch } from 'vue'
import { useConvexUpload } from '.'
import { api } from '../../../docs/backend'
import { useSetup, useTestConvex, withClient } from '../_test'

const convex = useTestConvex()

/** A file of `bytes` bytes, each its index mod 251. */
const file = (bytes: number, type = 'image/png') => new Blob([Uint8Array.from({ length: bytes }, (_, i) => i % 251)], { type })

const stored = (id: GenericId<'_storage'>) => convex.backend.t.run(async ctx => (await ctx.storage.get(id))?.arrayBuffer() ?? null)

describe('useConvexUpload', () => {
  it('stores a file, reporting progress as its bytes go out, and resolves with its storageId', async () => {
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl), [convex])
    const seen: number[] = []
    watch(result.progress, p => seen.push(p), { flush: 'sync' })
    const blob = file(200_000)
    const done = result.upload(blob)
    expect(result.status.value).toBe('pending')
    const id = await done
    expect(result.status.value).toBe('success')
    expect(result.data.value).toBe(id)
    expect(result.progress.value).toBe(1)
    // Several steps between 0 and 1, in order.
    expect(seen.length).toBeGreaterThan(2)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect(new Uint8Array((await stored(id))!)).toEqual(new Uint8Array(await blob.arrayBuffer()))
  })

  it('calls the save mutation with the storageId and the other arguments before it resolves', async () => {
    const onSuccess = vi.fn()
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl, { save: api.files.save, onSuccess }), [convex])
    const blob = file(1000, 'text/plain')
    const id = await result.upload(blob, { name: 'notes.txt', type: blob.type })
    const files = await convex.client.query(api.files.list, {})
    expect(files).toMatchObject([{ storageId: id, name: 'notes.txt', type: 'text/plain' }])
    expect(files[0]!.url).toMatch(/^http/)
    expect(await (await fetch(files[0]!.url!)).text()).toBe(await blob.text())
    expect(onSuccess).toHaveBeenCalledWith(id, blob)
  })

  it('abort() stops the upload: it rejects with an AbortError and nothing is saved', async () => {
    const onError = vi.fn()
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl, { save: api.files.save, onError }), [convex])
    // Aborted as soon as the first bytes are out.
    watch(result.progress, (p) => {
      if (p > 0)
        result.abort()
    }, { flush: 'sync' })
    const done = result.upload(file(1_000_000), { name: 'big.png', type: 'image/png' })
    await expect(done).rejects.toMatchObject({ name: 'AbortError' })
    expect(result.status.value).toBe('error')
    expect(result.error.value?.name).toBe('AbortError')
    expect(onError).toHaveBeenCalledOnce()
    await convex.flush()
    expect(await convex.client.query(api.files.list, {})).toEqual([])
  })

  it('the latest upload wins: an older one finishing later writes nothing', async () => {
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl), [convex])
    const slow = result.upload(file(600_000))
    // The second starts while the first is sending its bytes.
    const second = new Promise<Promise<GenericId<'_storage'>>>((resolve) => {
      const stop = watch(result.progress, (p) => {
        if (p > 0 && p < 1) {
          stop()
          resolve(result.upload(file(10)))
        }
      }, { flush: 'sync' })
    })
    const fast = await second
    const fastId = await fast
    const slowId = await slow
    expect(slowId).not.toBe(fastId)
    expect(result.data.value).toBe(fastId)
    expect(result.progress.value).toBe(1)
  })

  it('reset() goes back to idle, and the upload in flight no longer writes', async () => {
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl), [convex])
    const done = result.upload(file(300_000))
    await new Promise<void>(resolve => watch(result.progress, p => p > 0 && resolve(), { flush: 'sync' }))
    result.reset()
    expect([result.status.value, result.progress.value]).toEqual(['idle', 0])
    await done
    expect([result.status.value, result.progress.value, result.data.value]).toEqual(['idle', 0, undefined])
  })

  it('says what is wrong with a bad file, a failing URL mutation and an upload the server refuses', async () => {
    const { result } = useSetup(() => useConvexUpload(api.files.generateUploadUrl), [convex])
    await expect(result.upload('photo.png' as unknown as Blob)).rejects.toThrow(/upload\(\) takes a File or Blob/)
    convex.backend.failNext(api.files.generateUploadUrl, new Error('no uploads today'))
    await expect(result.upload(file(10))).rejects.toThrow('no uploads today')
    // An upload URL without its token: the deployment answers 400.
    const refusing = withClient({ mutation: async () => `${convex.backend.url}/api/storage/upload` }, () => useConvexUpload(api.files.generateUploadUrl))
    await expect(refusing.result.upload(file(10))).rejects.toThrow(/the upload failed with HTTP 400/)
    expect(refusing.result.status.value).toBe('error')
  })

  it('rejects, saying so, when the upload URL answers 2xx with something that is not a storage id', async () => {
    // A URL that is not Convex's (a proxy's page, a typo'd route): 200 with HTML.
    const server = createServer((request, response) => {
      response.setHeader('Access-Control-Allow-Origin', '*')
      response.setHeader('Access-Control-Allow-Headers', '*')
      response.end(request.method === 'OPTIONS' ? '' : '<html>Welcome</html>')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`
      const notConvex = withClient({ mutation: async () => url }, () => useConvexUpload(api.files.generateUploadUrl))
      await expect(notConvex.result.upload(file(10))).rejects.toThrow(/answered HTTP 200 without a storage id .*<html>Welcome<\/html>/)
      expect(notConvex.result.status.value).toBe('error')
    }
    finally {
      server.close()
    }
  })

  it('types upload() from the save mutation', () => {
    type Plain = ReturnType<typeof useConvexUpload<undefined>>
    type Saving = ReturnType<typeof useConvexUpload<typeof api.files.save>>
    expectTypeOf<Parameters<Plain['upload']>>().toEqualTypeOf<[file: Blob]>()
    expectTypeOf<Parameters<Saving['upload']>>().toEqualTypeOf<[file: Blob, args: { name: string, type: string }]>()
    expectTypeOf<ReturnType<Saving['upload']>>().toEqualTypeOf<Promise<GenericId<'_storage'>>>()
    // Inferred from the options.
    expectTypeOf(() => useConvexUpload(api.files.generateUploadUrl, { save: api.files.save })).returns.toEqualTypeOf<Saving>()
    expectTypeOf(() => useConvexUpload(api.files.generateUploadUrl)).returns.toEqualTypeOf<Plain>()
    // @ts-expect-error generateUploadUrl must be a mutation
    expectTypeOf(() => useConvexUpload(api.files.list)).toBeFunction()
    // @ts-expect-error save must take a storageId
    expectTypeOf(() => useConvexUpload(api.files.generateUploadUrl, { save: api.counter.increment })).toBeFunction()
  })
})
