// Signing in in a component test: convex.signIn() goes through the plugin, so useConvexAuth(),
// <Authenticated> and the queries follow; a refused token says why.
import type { TestConvex } from '.'
import { mount } from '@vue/test-utils'
import { Authenticated, Unauthenticated, useConvexAuth, useConvexQuery } from '@vueuse-convex/core'
import { afterEach, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { createTestConvex } from '.'
import { api, modules, schema } from '../test/app'

let convex: TestConvex
afterEach(async () => {
  await convex.close()
  expect(convex.backend.internalErrors).toEqual([])
})

const Page = defineComponent({
  setup() {
    const auth = useConvexAuth()
    const { data: me } = useConvexQuery(api.notes.whoami, {})
    return () => h('div', [
      h('p', { id: 'state' }, auth.isAuthenticated.value ? 'signed in' : 'signed out'),
      h('p', { id: 'me' }, String(me.value)),
      h(Authenticated, null, () => h('p', { id: 'gate' }, 'members only')),
      h(Unauthenticated, null, () => h('p', { id: 'gate' }, 'please sign in')),
    ])
  },
})

it('signIn() and signOut() drive useConvexAuth, the auth gates and the queries', async () => {
  convex = createTestConvex({ schema, modules, crons: false })
  const wrapper = mount(Page, { global: { plugins: [convex] } })
  await convex.flush()
  expect(wrapper.find('#state').text()).toBe('signed out')
  expect(wrapper.find('#gate').text()).toBe('please sign in')

  await convex.signIn({ sub: 'user_1', name: 'Ada' })
  expect(wrapper.find('#state').text()).toBe('signed in')
  expect(wrapper.find('#gate').text()).toBe('members only')
  expect(wrapper.find('#me').text()).toBe('user_1')

  await convex.signOut()
  expect(wrapper.find('#state').text()).toBe('signed out')
  expect(wrapper.find('#gate').text()).toBe('please sign in')
  expect(wrapper.find('#me').text()).toBe('null')
  wrapper.unmount()
})

it('signIn() rejects with the reason the backend refused the token, which backend.authErrors keeps too', async () => {
  convex = createTestConvex({ schema, modules, crons: false })
  const wrapper = mount(Page, { global: { plugins: [convex] } })
  const error = await convex.signIn({ sub: 'user_1', expiresIn: -60 }).catch((e: Error) => e)
  expect(error).toBeInstanceOf(Error)
  expect((error as Error).message).toMatch(/signIn\(\): the backend refused the token: .*expired/i)
  expect(convex.backend.authErrors.at(-1)).toMatch(/expired/i)
  expect(wrapper.find('#state').text()).toBe('signed out')
  wrapper.unmount()
})
