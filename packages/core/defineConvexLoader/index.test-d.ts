import type { RouteLocationNormalizedLoaded, RouteRecordRaw } from 'vue-router'
import type { UseDataLoader } from 'vue-router/experimental'
import type { Id } from '../../../docs/convex/_generated/dataModel'
import { describe, expectTypeOf, it } from 'vitest'
import { defineConvexLoader } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('defineConvexLoader types', () => {
  it('types data from the query: always defined for a loader that waits and never skips', () => {
    const useCounter = defineConvexLoader(api.counter.get, route => ({ name: String(route.params.name) }))
    const { data, error, isLoading } = useCounter()
    expectTypeOf(data.value).toEqualTypeOf<number>()
    expectTypeOf(error.value).toEqualTypeOf<Error | null>()
    expectTypeOf(isLoading.value).toEqualTypeOf<boolean>()
    const useMessages = defineConvexLoader(api.messages.list, () => ({ limit: 10 }))
    expectTypeOf(useMessages().data.value).toEqualTypeOf<Array<{ _id: Id<'messages'>, _creationTime: number, author: string, body: string }>>()
  })

  it('data may be undefined when the loader can skip, is lazy, or lets errors through', () => {
    const skips = defineConvexLoader(api.counter.get, route => (route.params.name ? { name: String(route.params.name) } : 'skip'))
    expectTypeOf(skips().data.value).toEqualTypeOf<number | undefined>()
    const lazy = defineConvexLoader(api.counter.get, () => ({ name: 'a' }), { lazy: true })
    expectTypeOf(lazy().data.value).toEqualTypeOf<number | undefined>()
    const tolerant = defineConvexLoader(api.counter.get, () => ({ name: 'a' }), { errors: true })
    expectTypeOf(tolerant().data.value).toEqualTypeOf<number | undefined>()
  })

  it('awaiting it in another loader gives the result itself', () => {
    const useCounter = defineConvexLoader(api.counter.get, () => ({ name: 'a' }))
    expectTypeOf(useCounter()).resolves.toEqualTypeOf<number>()
  })

  it('checks the arguments against the query', () => {
    // @ts-expect-error `name` must be a string
    defineConvexLoader(api.counter.get, () => ({ name: 1 }))
    // @ts-expect-error `name` is required
    defineConvexLoader(api.counter.get, () => ({}))
    // @ts-expect-error the arguments come from a function of the route
    defineConvexLoader(api.counter.get, { name: 'a' })
    defineConvexLoader(api.users.me, () => ({}))
  })

  it('the route is typed, and the loader goes where Vue Router takes loaders', () => {
    const useCounter = defineConvexLoader(api.counter.get, (route) => {
      expectTypeOf(route).toEqualTypeOf<RouteLocationNormalizedLoaded>()
      return { name: String(route.query.name) }
    })
    expectTypeOf(useCounter).toExtend<UseDataLoader>()
    const record: RouteRecordRaw = { path: '/', component: {}, meta: { loaders: [useCounter] } }
    expectTypeOf(record).toExtend<RouteRecordRaw>()
  })

  it('takes the documented options and refuses unknown ones', () => {
    defineConvexLoader(api.counter.get, () => ({ name: 'a' }), { keepAliveMs: 1000, commit: 'immediate', server: false, lazy: (to, from) => to.path === from?.path })
    // @ts-expect-error not an option
    defineConvexLoader(api.counter.get, () => ({ name: 'a' }), { gcTimeout: 1 })
  })
})
