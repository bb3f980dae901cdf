// @vitest-environment node
// The rest of what a deployment runs beside functions: auth.config.ts providers, crons.ts
// jobs on their schedules, and components.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestConvex, createTestToken } from '.'
import { nextRun, parseCron } from '../_internal/crons'
import { api, modules, schema } from '../test/app'
import { modules as componentModules, api as componentsApi } from '../test/components'

let convex: ReturnType<typeof createTestConvex> | undefined
afterEach(async () => {
  await convex?.close()
  expect(convex?.backend.internalErrors ?? []).toEqual([])
  convex = undefined
  vi.useRealTimers()
})

/** Signs the client in with `token` and resolves with whether the backend accepted it. */
function signIn(client: ReturnType<typeof createTestConvex>['client'], token: string): Promise<boolean> {
  return new Promise(resolve => client.setAuth(async () => token, resolve))
}

describe('auth.config.ts', () => {
  it('accepts tokens of a configured provider and refuses others with an AuthError', async () => {
    convex = createTestConvex({ schema, modules })
    const other = convex.createClient()
    expect(await signIn(convex.client, createTestToken({ sub: 'user_1', iss: 'https://auth.fixture.test', aud: 'fixture-app' }))).toBe(true)
    expect(await convex.client.query(api.notes.whoami, {})).toBe('user_1')
    // Issuer not configured (createTestToken's default issuer is not this app's provider).
    expect(await signIn(other, createTestToken({ sub: 'intruder' }))).toBe(false)
    expect(await other.query(api.notes.whoami, {})).toBeNull()
    // Right issuer, wrong audience.
    const third = convex.createClient()
    expect(await signIn(third, createTestToken({ sub: 'intruder', iss: 'https://auth.fixture.test', aud: 'someone-else' }))).toBe(false)
    expect(await third.query(api.notes.whoami, {})).toBeNull()
  })

  it('backend.createToken() makes a token for the app\'s configured provider', async () => {
    convex = createTestConvex({ schema, modules })
    expect(await signIn(convex.client, await convex.backend.createToken({ sub: 'user_2', name: 'Grace' }))).toBe(true)
    expect(await convex.client.query(api.notes.whoami, {})).toBe('user_2')
  })

  it('an app without auth.config.ts accepts no token, as a deployment does', async () => {
    const withoutConfig = Object.fromEntries(Object.entries(modules).filter(([path]) => !path.includes('auth.config')))
    convex = createTestConvex({ schema, modules: withoutConfig })
    expect(await signIn(convex.client, createTestToken({ sub: 'user_1', iss: 'https://auth.fixture.test', aud: 'fixture-app' }))).toBe(false)
    await expect(convex.backend.createToken({ sub: 'x' })).rejects.toThrow(/no convex\/auth.config.ts/)
  })
})

describe('crons.ts', () => {
  const DAY = 24 * 3600_000
  const count = (job: string) => convex!.client.query(api.ticks.count, { job })

  it('runs every kind of schedule on time under fake timers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(new Date('2026-03-01T23:59:55Z')) // a Sunday, 5 s before midnight UTC
    convex = createTestConvex({ schema, modules })
    await convex.flush()
    const advance = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms)
      await convex!.flush()
    }
    await advance(5_000) // 2026-03-02 00:00:00, Monday: the monthly job (1st? no, the 2nd) does not run
    expect(await count('monthly')).toBe(0)
    expect(await count('interval')).toBe(1) // an interval job first runs when deployed, as on Convex
    await advance(30 * 60_000) // 00:30:00: hourly at :30 once
    expect(await count('hourly')).toBe(1)
    expect(await count('interval')).toBe(1)
    await advance(90 * 60_000) // 02:00:00: two hours since the backend started
    expect(await count('interval')).toBe(2)
    await advance(7.5 * 3600_000) // 09:30: daily at 09:00 once, weekly (Monday 08:00) once
    expect(await count('daily')).toBe(1)
    expect(await count('weekly')).toBe(1)
    await advance(9 * 3600_000) // 18:30 on a weekday: 17:45 once
    expect(await count('cron')).toBe(1)
    await advance(30 * DAY) // through April 1st
    expect(await count('monthly')).toBe(1)
    expect(await count('daily')).toBe(31)
    expect(await count('interval')).toBe(12 * 30 + 10)
  }, 30_000)

  it('runs on real timers too', async () => {
    const { cronJobs } = await import('convex/server')
    const { internal } = await import('../test/app')
    const everySecond = cronJobs()
    everySecond.interval('every second', { seconds: 1 }, internal.ticks.record, { job: 'real' })
    const withFastCron = { ...modules, [Object.keys(modules).find(path => path.endsWith('/crons.ts'))!]: async () => ({ default: everySecond }) }
    convex = createTestConvex({ schema, modules: withFastCron })
    await vi.waitFor(async () => expect(await count('real')).toBeGreaterThanOrEqual(2), { timeout: 4000, interval: 200 })
  }, 10_000)

  it('runCron runs a job now; crons: false turns the schedule off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    convex = createTestConvex({ schema, modules, crons: false })
    await convex.flush() // connected before the clock moves
    await vi.advanceTimersByTimeAsync(3 * 3600_000)
    await convex.flush()
    expect(await count('interval')).toBe(0)
    await convex.backend.runCron('daily')
    expect(await count('daily')).toBe(1)
    await expect(convex.backend.runCron('nope')).rejects.toThrow(/no cron job named "nope" in convex\/crons.ts \(it has "every two hours"/)
  })

  it('computes cron expressions as cron does (UTC; day-of-month OR day-of-week)', () => {
    const at = (iso: string) => Date.parse(iso)
    expect(new Date(nextRun({ type: 'cron', cron: '*/15 * * * *' }, at('2026-01-01T10:07:00Z'))).toISOString()).toBe('2026-01-01T10:15:00.000Z')
    expect(new Date(nextRun({ type: 'cron', cron: '0 0 1,15 * MON' }, at('2026-01-02T00:00:00Z'))).toISOString()).toBe('2026-01-05T00:00:00.000Z')
    expect(new Date(nextRun({ type: 'cron', cron: '0 12 29 2 *' }, at('2026-03-01T00:00:00Z'))).toISOString()).toBe('2028-02-29T12:00:00.000Z')
    expect(new Date(nextRun({ type: 'monthly', day: 31, hourUTC: 0 }, at('2026-04-01T00:00:00Z'))).toISOString()).toBe('2026-05-31T00:00:00.000Z')
    expect(() => parseCron('* * *')).toThrow(/must have 5 fields/)
    expect(() => parseCron('61 * * * *')).toThrow(/Invalid value for minute: 61/)
  })
})

describe('components', () => {
  it('registers a component from its test entry (nested components included) with the components option', async () => {
    const rateLimiter = (await import('@convex-dev/rate-limiter/test')).default
    convex = createTestConvex({ modules: componentModules, components: { rateLimiter, strictLimiter: rateLimiter } })
    const sends = []
    for (let i = 0; i < 3; i++) sends.push(await convex.client.mutation(componentsApi.limited.send, { user: 'ada' }))
    expect(sends).toEqual([true, true, false])
    expect(await convex.client.mutation(componentsApi.limited.send, { user: 'grace' })).toBe(true)
  })

  it('says how to register a component the app uses but the test did not', async () => {
    convex = createTestConvex({ modules: componentModules })
    await expect(convex.client.mutation(componentsApi.limited.send, { user: 'ada' })).rejects.toThrow(/rateLimiter/)
    expect(() => createTestConvex({ modules: componentModules, components: { rateLimiter: {} as any } })).toThrow(/components.rateLimiter needs/)
  })
})
