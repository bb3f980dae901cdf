// Helpers for the packages' own tests (not exported).
import type { TestConvex } from '@vueuse-convex/testing'
import type { App } from 'vue'
import type { ConvexClientLike } from '../useConvexClient'
import { createTestConvex } from '@vueuse-convex/testing'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { modules, schema } from '../../../docs/backend'
import { createConvexVue } from '../useConvexClient'

/**
 * A fresh in-memory backend (the docs' demo functions) for each test, closed after it, with
 * no internal backend error allowed. The returned object always stands for the current one.
 */
export function useTestConvex(): TestConvex {
  let current: TestConvex | undefined
  beforeEach(() => {
    current = createTestConvex({ schema, modules })
  })
  afterEach(async () => {
    await current!.close()
    expect(current!.backend.internalErrors).toEqual([])
  })
  return new Proxy({} as TestConvex, {
    get: (_, key) => {
      if (!current)
        throw new Error('useTestConvex(): read it inside a test, not while the suite is collected')
      return Reflect.get(current, key)
    },
  })
}

/** Mounts a throwaway component whose setup runs `setup`; returns its result and the app. */
export function useSetup<T>(setup: () => T, plugins: Array<{ install: (app: App) => void }> = []): { result: T, app: App, unmount: () => void } {
  let result!: T
  const Comp = defineComponent({
    setup() {
      result = setup()
      return () => h('div')
    },
  })
  const app = createApp(Comp)
  plugins.forEach(p => app.use(p))
  app.mount(document.createElement('div'))
  return { result, app, unmount: () => app.unmount() }
}

/** Mounts `setup` under the plugin with `client`. */
export function withClient<T>(client: ConvexClientLike, setup: () => T) {
  return useSetup(setup, [createConvexVue({ client })])
}

export interface PendingCall {
  reference: unknown
  args: unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** A client double whose calls settle only when the test says so. */
export function controlledClient() {
  const calls: PendingCall[] = []
  const settle = (fn: (...args: any[]) => void) => (reference: unknown, args: unknown) =>
    new Promise((resolve, reject) => {
      calls.push({ reference, args, resolve, reject })
      fn(reference, args)
    })
  const client = {
    action: vi.fn(settle(() => {})),
    mutation: vi.fn(settle(() => {})),
  }
  return { client, calls }
}

/** Lets pending promise callbacks run. */
export const flushPromises = () => new Promise<void>(resolve => setTimeout(resolve, 0))
