// The Nuxt module's server side, unit by unit: which token counts, and how a failed Convex call
// reads to a route's client. (The routes themselves run in playground.e2e.ts.)
import { createTestToken } from '@vueuse-convex/testing'
import { makeFunctionReference } from 'convex/server'
import { ConvexError } from 'convex/values'
import { isError } from 'h3'
import { describe, expect, it } from 'vitest'
import { toH3Error } from '../src/runtime/server/errors'
import { tokenIfValid } from '../src/runtime/token'

const send = makeFunctionReference<'mutation'>('messages:send')

describe('tokenIfValid', () => {
  it('keeps a token until its exp, and drops an expired or empty one', () => {
    const token = createTestToken({ sub: 'ada' })
    expect(tokenIfValid(token)).toBe(token)
    expect(tokenIfValid(createTestToken({ sub: 'ada', expiresIn: -1 }))).toBeNull()
    expect(tokenIfValid(createTestToken({ sub: 'ada', expiresIn: 5 }))).toBeNull() // too close to call with
    expect(tokenIfValid('')).toBeNull()
    expect(tokenIfValid(null)).toBeNull()
    expect(tokenIfValid(undefined)).toBeNull()
    expect(tokenIfValid('opaque-token')).toBe('opaque-token') // not a JWT: Convex decides
  })
})

describe('toH3Error', () => {
  it('makes a ConvexError a 400 with its data, or the status its data names', () => {
    const plain = toH3Error(new ConvexError({ code: 'invalid' }), send)
    expect(isError(plain)).toBe(true)
    expect(plain).toMatchObject({ statusCode: 400, data: { code: 'invalid' } })
    expect(plain.message).toContain('messages:send')
    expect(toH3Error(new ConvexError({ status: 403 }), send)).toMatchObject({ statusCode: 403 })
    expect(toH3Error(new ConvexError({ status: 200 }), send)).toMatchObject({ statusCode: 400 }) // not an error status
    expect(toH3Error(new ConvexError('Out of stock'), send).message).toBe('messages:send: Out of stock')
  })

  it('makes a refused token a 401 that does not repeat the server\'s words, and anything else a 500', () => {
    const refused = toH3Error(new Error('{"code":"Unauthenticated","message":"Could not verify token eyJhbGciOi"}'), send)
    expect(refused).toMatchObject({ statusCode: 401 })
    expect(refused.message).not.toContain('eyJ')
    expect(toH3Error(new Error('[Request ID: 1] Server Error'), send)).toMatchObject({ statusCode: 500 })
  })
})
