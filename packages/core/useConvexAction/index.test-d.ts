import type { ComputedRef } from 'vue'
import type { ActionStatus, UseConvexActionReturn } from '.'
import type { Id } from '../../../docs/convex/_generated/dataModel'
import { describe, expectTypeOf, it } from 'vitest'
import { ref, shallowRef } from 'vue'
import { useConvexAction } from '.'
import { api } from '../../../docs/convex/_generated/api'

describe('useConvexAction types', () => {
  it('infers arguments and result from the function reference', () => {
    const { execute, data, error, status, pending, reset } = useConvexAction(api.ai.generate)
    expectTypeOf(execute).parameters.toEqualTypeOf<[{ prompt: string }]>()
    expectTypeOf(execute).returns.resolves.toEqualTypeOf<{ text: string, tokens: number }>()
    expectTypeOf(data.value).toEqualTypeOf<{ text: string, tokens: number } | undefined>()
    expectTypeOf(error.value).toEqualTypeOf<Error | null>()
    expectTypeOf(status).toEqualTypeOf<ComputedRef<ActionStatus>>()
    expectTypeOf(status.value).toEqualTypeOf<'idle' | 'pending' | 'success' | 'error'>()
    expectTypeOf(pending).toEqualTypeOf<ComputedRef<boolean>>()
    expectTypeOf(reset).toEqualTypeOf<() => void>()
  })

  it('narrows data and error through state.status, and types run like execute', () => {
    const { state, run } = useConvexAction(api.ai.generate)
    const current = state.value
    if (current.status === 'success') {
      expectTypeOf(current.data).toEqualTypeOf<{ text: string, tokens: number }>()
      expectTypeOf(current.error).toEqualTypeOf<null>()
    }
    if (current.status === 'error')
      expectTypeOf(current.error).toEqualTypeOf<Error>()
    if (current.status === 'idle')
      expectTypeOf(current.data).toEqualTypeOf<undefined>()
    expectTypeOf(run).parameters.toEqualTypeOf<[{ prompt: string }]>()
    expectTypeOf(run).returns.toEqualTypeOf<void>()
    // @ts-expect-error prompt must be a string
    run({ prompt: 1 })
  })

  it('is called with no arguments for an action without arguments', () => {
    const { execute } = useConvexAction(api.ai.model)
    void execute()
    void execute({})
    expectTypeOf(execute).returns.resolves.toEqualTypeOf<string>()
  })

  it('rejects wrong arguments', () => {
    const { execute } = useConvexAction(api.ai.generate)
    // @ts-expect-error prompt must be a string
    void execute({ prompt: 1 })
    // @ts-expect-error prompt is required
    void execute({})
    // @ts-expect-error arguments are required
    void execute()
  })

  it('accepts only actions', () => {
    // @ts-expect-error a query is not an action
    useConvexAction(api.messages.list)
    // @ts-expect-error a mutation is not an action
    useConvexAction(api.messages.send)
    // @ts-expect-error a string is not a function reference
    useConvexAction('ai:generate')
  })

  it('types the callbacks from the reference', () => {
    useConvexAction(api.payments.process, {
      onSuccess(data, args) {
        expectTypeOf(data).toEqualTypeOf<{ success: true, chargeId: string, amount: number }>()
        expectTypeOf(args).toEqualTypeOf<{ amount: number, paymentMethodId: string }>()
      },
      onError(error, args) {
        expectTypeOf(error).toEqualTypeOf<Error>()
        expectTypeOf(args.amount).toEqualTypeOf<number>()
      },
    })
  })

  it('accepts a shallowRef of a reference', () => {
    const reference = shallowRef(api.ai.generate)
    const { execute } = useConvexAction(reference)
    expectTypeOf(execute).parameters.toEqualTypeOf<[{ prompt: string }]>()
  })

  it('exports a return type that matches', () => {
    expectTypeOf(useConvexAction(api.ai.generate)).toEqualTypeOf<UseConvexActionReturn<typeof api.ai.generate>>()
  })
})

// Every example of the contract page, against the demo backend's api.
export async function contractExamples(selectedMethod: { value: string }, showError: (m: string) => void, navigateTo: (p: string) => void) {
  {
    const { execute, pending, error } = useConvexAction(api.email.send)
    void pending.value
    void error.value
    try {
      await execute({ to: 'user@example.com', subject: 'Hello', body: 'Welcome!' })
    }
    catch (err) {
      void err
    }
  }
  {
    const { execute, pending, data, error } = useConvexAction(api.ai.generate)
    const prompt = ref('')
    void execute({ prompt: prompt.value })
    expectTypeOf(pending.value).toEqualTypeOf<boolean>()
    void data.value?.text
    void error.value?.message
  }
  {
    const { execute: processPayment, pending } = useConvexAction(api.payments.process)
    void pending
    const result = await processPayment({ amount: 2999, paymentMethodId: selectedMethod.value })
    if (result.success)
      navigateTo('/order-confirmation')
  }
  {
    const { execute, pending, data } = useConvexAction(api.ai.summarize)
    void pending
    void data
    const summary = await execute({ articleId: 'a1' })
    expectTypeOf(summary).toEqualTypeOf<string>()
  }
  {
    const { execute, pending } = useConvexAction(api.files.processImage)
    void pending
    const storageId = '' as Id<'_storage'>
    const result = await execute({ storageId })
    expectTypeOf(result.bytes).toEqualTypeOf<number>()
  }
  {
    const { execute, error } = useConvexAction(api.payments.process)
    void error
    try {
      await execute({ amount: 1000, paymentMethodId: 'pm_card_visa' })
    }
    catch (err) {
      if ((err as Error).message.includes('insufficient_funds'))
        showError('Your card was declined')
      else
        showError('Payment failed. Please try again.')
    }
  }
  {
    const { execute, data } = useConvexAction(api.ai.generate)
    const result = await execute({ prompt: 'Hello' })
    expectTypeOf(result).toEqualTypeOf<{ text: string, tokens: number }>()
    expectTypeOf(data.value).toEqualTypeOf<{ text: string, tokens: number } | undefined>()
  }
}
