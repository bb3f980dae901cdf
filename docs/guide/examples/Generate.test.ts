import type { TestConvex } from '@vueuse-convex/testing'
import { flushPromises, mount } from '@vue/test-utils'
import { createTestConvex } from '@vueuse-convex/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { api, modules, schema } from '../../backend' // your convex/ folder: schema + import.meta.glob
import Generate from './Generate.vue'

let convex: TestConvex
beforeEach(() => {
  convex = createTestConvex({ schema, modules }) // a fresh, empty backend per test
})
afterEach(() => convex.close())

it('shows the generated text, and disables the button meanwhile', async () => {
  convex.backend.setLatency(api.ai.generate, 50) // make the pending state observable
  const wrapper = mount(Generate, { global: { plugins: [convex] } })

  await wrapper.get('input').setValue('What is Convex?')
  await wrapper.get('form').trigger('submit')
  expect(wrapper.get('button').attributes('disabled')).toBeDefined()

  await vi.waitFor(() => expect(wrapper.find('.result').exists()).toBe(true))
  expect(wrapper.get('.result').text()).toContain('What is Convex?')
  expect(wrapper.get('button').attributes('disabled')).toBeUndefined()
})

it('shows the server error for an empty prompt', async () => {
  const wrapper = mount(Generate, { global: { plugins: [convex] } })
  await wrapper.get('form').trigger('submit')
  await vi.waitFor(() => expect(wrapper.find('.error').exists()).toBe(true))
  expect(wrapper.get('.error').text()).toContain('empty_prompt')
  await flushPromises()
})
