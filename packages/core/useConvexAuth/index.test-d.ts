import type { ConvexAuthProvider } from '.'
import { describe, expectTypeOf, it } from 'vitest'
import { computed, ref } from 'vue'
import { useConvexAuth } from '.'
import { createConvexVue } from '../useConvexClient'

describe('auth providers', () => {
  it('take refs, computeds or getters, in setAuth and in the plugin option', () => {
    const { setAuth } = useConvexAuth()
    const fetchAccessToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => (forceRefreshToken ? 'a' : null)
    setAuth({ isLoading: ref(false), isAuthenticated: computed(() => true), fetchAccessToken })
    setAuth({ isLoading: () => false, isAuthenticated: true, fetchAccessToken })
    setAuth(fetchAccessToken)
    createConvexVue({ url: 'https://x.convex.cloud', auth: { isLoading: false, isAuthenticated: () => true, fetchAccessToken } })
    // @ts-expect-error a provider needs its token fetcher
    setAuth({ isLoading: false, isAuthenticated: true })
    // @ts-expect-error the fetcher resolves a token string or null
    setAuth({ isLoading: false, isAuthenticated: true, fetchAccessToken: async () => 42 })
    expectTypeOf<ConvexAuthProvider['fetchAccessToken']>().returns.resolves.toEqualTypeOf<string | null | undefined>()
  })
})
