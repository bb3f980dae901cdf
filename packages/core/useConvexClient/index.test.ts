import { ConvexClient } from 'convex/browser'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, effectScope, h } from 'vue'
import { createConvexVue, provideConvexClient, useConvexClient } from '.'
import { useSetup } from '../_test'

describe('createConvexVue', () => {
  it('provides the client it was given to every component', () => {
    const client = { action: vi.fn() }
    const { result } = useSetup(() => useConvexClient(), [createConvexVue({ client })])
    expect(result).toBe(client)
  })

  it('creates a ConvexClient for a URL in the browser and closes it when the app unmounts', () => {
    const sockets: string[] = []
    class RecordingSocket {
      constructor(url: string) {
        sockets.push(url)
      }

      close() {}
    }
    const plugin = createConvexVue({
      url: 'https://happy-otter-123.convex.cloud',
      clientOptions: { webSocketConstructor: RecordingSocket as any, logger: false },
    })
    const { result, unmount } = useSetup(() => useConvexClient(), [plugin])
    expect(result).toBeInstanceOf(ConvexClient)
    expect(sockets[0]).toMatch(/^wss:\/\/happy-otter-123\.convex\.cloud\/api\//)
    const close = vi.spyOn(result, 'close')
    unmount()
    expect(close).toHaveBeenCalled()
  })

  it('says what to pass when given neither url nor client', () => {
    expect(() => createConvexVue({} as any)).toThrowError(/createConvexVue\(\): pass \{ url: import\.meta\.env\.VITE_CONVEX_URL \} or \{ client/)
  })
})

describe('useConvexClient', () => {
  it('says to call it in setup(), not to install the plugin, when it is called in an event handler of an app that has it', () => {
    const client = new ConvexClient('https://example.convex.cloud', { webSocketConstructor: class {} as any, unsavedChangesWarning: false })
    let error: Error | undefined
    const app = createApp(defineComponent({
      setup: () => () => h('button', { onClick: () => {
        try {
          useConvexClient()
        }
        catch (e) {
          error = e as Error
        }
      } }),
    }))
    app.use(createConvexVue({ client }))
    const root = document.createElement('div')
    app.mount(root)
    root.querySelector('button')!.click()
    expect(error?.message).toMatch(/useConvexClient\(\): was called outside setup\(\) \(in an event handler.*Call useConvexClient\(\) in <script setup> or setup\(\) and use what it returns in the handler/)
    expect(error?.message).not.toMatch(/install the plugin/i)
    app.unmount()
    void client.close()
  })

  it('throws an error that names the plugin and provideConvexClient when there is no client', () => {
    const scope = effectScope()
    expect(() => scope.run(() => useConvexClient())).toThrowError(/useConvexClient\(\): was called outside setup\(\).*pass \{ client \}/)
    scope.stop()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}) // Vue reports the setup error too
    // Last: a setup that throws leaves Vue's current instance set in this test file.
    expect(() => useSetup(() => useConvexClient())).toThrowError(/useConvexClient\(\): no Convex client found.*app\.use\(createConvexVue\(\{ url \}\)\).*provideConvexClient/)
    warn.mockRestore()
  })

  it('returns the client provided by provideConvexClient to descendants, over the app one', () => {
    const appClient = { action: vi.fn() }
    const localClient = { action: vi.fn() }
    let seen: unknown
    const Child = defineComponent({
      setup() {
        seen = useConvexClient()
        return () => null
      },
    })
    const Parent = defineComponent({
      setup() {
        provideConvexClient(localClient)
        return () => h(Child)
      },
    })
    const app = createApp(Parent)
    app.use(createConvexVue({ client: appClient }))
    app.mount(document.createElement('div'))
    expect(seen).toBe(localClient)
    app.unmount()
  })

  it('rejects a missing client in provideConvexClient', () => {
    vi.spyOn(console, 'warn').mockImplementationOnce(() => {})
    expect(() => useSetup(() => provideConvexClient(undefined as any))).toThrowError(/provideConvexClient\(\): pass a ConvexClient/)
  })
})
