import type { ConvexClientLike } from '.'
import { ConvexClient, ConvexHttpClient } from 'convex/browser'
import { describe, expectTypeOf, it } from 'vitest'
import { createConvexVue, useConvexClient } from '.'
import { api } from '../../../docs/convex/_generated/api'
import { useConvexAction } from '../useConvexAction'

describe('client types', () => {
  it('accepts a ConvexClient, a ConvexHttpClient or a partial double wherever a client goes', () => {
    expectTypeOf<ConvexClient>().toExtend<ConvexClientLike>()
    expectTypeOf<ConvexHttpClient>().toExtend<ConvexClientLike>()
    createConvexVue({ client: new ConvexHttpClient('https://x.convex.cloud') })
    useConvexAction(api.ai.generate, { client: { action: async () => ({ text: '', tokens: 0 }) } })
  })

  it('takes either a url or a client, not both', () => {
    createConvexVue({ url: 'https://x.convex.cloud', clientOptions: { verbose: false } })
    // @ts-expect-error url and client exclude each other
    createConvexVue({ url: 'https://x.convex.cloud', client: new ConvexClient('https://x.convex.cloud') })
  })

  it('returns a ConvexClient unless told otherwise', () => {
    expectTypeOf(useConvexClient()).toEqualTypeOf<ConvexClient>()
    expectTypeOf(useConvexClient<ConvexHttpClient>()).toEqualTypeOf<ConvexHttpClient>()
  })
})
