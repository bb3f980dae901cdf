// The jobs of the app's `convex/crons.ts`, run on their schedules (UTC, as on Convex) as timers
// of the backend's clock, so a test's fake timers drive them whenever they are switched on.
import type { JSONValue } from 'convex/values'
import type { Clock, ClockTimer } from './clock'

type Schedule
  = | { type: 'interval', seconds?: number, minutes?: number, hours?: number }
    | { type: 'hourly', minuteUTC?: number }
    | { type: 'daily', hourUTC: number, minuteUTC?: number }
    | { type: 'weekly', dayOfWeek: string, hourUTC: number, minuteUTC?: number }
    | { type: 'monthly', day: number, hourUTC: number, minuteUTC?: number }
    | { type: 'cron', cron: string }

/** One job of `crons.ts`, as `cronJobs()` records it. */
export interface CronJob {
  name: string
  args: JSONValue[]
  schedule: Schedule
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MINUTE = 60_000

/** The allowed values of one field of a cron expression. */
function field(text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> {
  const values = new Set<number>()
  const value = (token: string) => {
    const named = names.findIndex(name => name.slice(0, 3) === token.toLowerCase().slice(0, 3))
    const n = named >= 0 && /[a-z]/i.test(token) ? named + nameBase : Number(token)
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`"${token}" is not a value from ${min} to ${max}`)
    return n
  }
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`"/${stepText}" is not a step`)
    const [from, to] = range === '*'
      ? [min, max]
      : range.includes('-')
        ? range.split('-').map(value) as [number, number]
        : [value(range), stepText === undefined ? value(range) : max]
    for (let n = from; n <= to; n += step) values.add(n)
  }
  return values
}

interface CronFields { minute: Set<number>, hour: Set<number>, day: Set<number>, month: Set<number>, weekday: Set<number>, anyDay: boolean, anyWeekday: boolean }

/** Parses a five-field cron expression (`minute hour day-of-month month day-of-week`, UTC). */
export function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5)
    throw new Error(`Cron expression "${expression}" must have 5 fields (minute hour day month weekday), in UTC.`)
  try {
    const weekday = field(parts[4], 0, 7, DAYS, 0)
    if (weekday.delete(7))
      weekday.add(0)
    return {
      minute: field(parts[0], 0, 59),
      hour: field(parts[1], 0, 23),
      day: field(parts[2], 1, 31),
      month: field(parts[3], 1, 12, MONTHS, 1),
      weekday,
      anyDay: parts[2] === '*',
      anyWeekday: parts[4] === '*',
    }
  }
  catch (e) {
    throw new Error(`Cron expression "${expression}": ${(e as Error).message}.`)
  }
}

/** The first minute after `after` (ms) that `fields` allow. */
function nextCron(fields: CronFields, after: number): number {
  const t = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE)
  const limit = after + 5 * 366 * 24 * 60 * MINUTE
  while (t.getTime() < limit) {
    if (!fields.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1)
      t.setUTCHours(0, 0)
      continue
    }
    const dayOk = fields.day.has(t.getUTCDate())
    const weekdayOk = fields.weekday.has(t.getUTCDay())
    // As in cron: when both day fields are restricted, either one matching is enough.
    const matches = fields.anyDay ? weekdayOk : fields.anyWeekday ? dayOk : dayOk || weekdayOk
    if (!matches) {
      t.setUTCDate(t.getUTCDate() + 1)
      t.setUTCHours(0, 0)
      continue
    }
    if (!fields.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0)
      continue
    }
    if (!fields.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1)
      continue
    }
    return t.getTime()
  }
  throw new Error('This cron expression never matches a date.')
}

/** The cron expression of a calendar schedule, or `null` for an interval. */
function asCron(schedule: Schedule): string | null {
  switch (schedule.type) {
    case 'hourly': return `${schedule.minuteUTC ?? 0} * * * *`
    case 'daily': return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * *`
    case 'weekly': return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * ${DAYS.indexOf(schedule.dayOfWeek.toLowerCase())}`
    case 'monthly': return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} ${schedule.day} * *`
    case 'cron': return schedule.cron
    default: return null
  }
}

/** When the job with `schedule` runs next after `after` (ms since the epoch). */
export function nextRun(schedule: Schedule, after: number): number {
  if (schedule.type === 'interval') {
    const ms = ((schedule.hours ?? 0) * 3600 + (schedule.minutes ?? 0) * 60 + (schedule.seconds ?? 0)) * 1000
    if (!(ms > 0))
      throw new Error('An interval cron needs seconds, minutes or hours greater than 0.')
    return after + ms
  }
  return nextCron(parseCron(asCron(schedule)!), after)
}

/** When each job runs next, by name: what a deploy keeps for the jobs it does not change. */
export type CronPlan = Map<string, { schedule: string, due: number }>

/**
 * Runs every job of `crons` on its schedule, as timers of `clock`, until the returned function is
 * called. `run` executes one job (the backend's own scheduler path); its failures are the job's.
 * As on Convex, an interval job first runs when it is deployed, then every interval; a job that
 * `previous` (the plan of the deploy before) already had, with the same schedule, keeps its time.
 */
export function startCrons(crons: Record<string, CronJob>, run: (job: CronJob) => Promise<unknown>, clock: Clock, previous?: CronPlan): { stop: () => void, plan: CronPlan } {
  const plan: CronPlan = new Map()
  const timers = new Map<string, ClockTimer>()
  let stopped = false
  const arm = (id: string, job: CronJob, due: number) => {
    plan.set(id, { schedule: JSON.stringify(job.schedule), due })
    timers.set(id, clock.setTimeout(() => {
      if (stopped)
        return
      arm(id, job, nextRun(job.schedule, Math.max(due, clock.now())))
      void run(job).catch(() => {})
    }, Math.max(0, due - clock.now()), 'cron'))
  }
  for (const [id, job] of Object.entries(crons)) {
    const kept = previous?.get(id)
    const now = clock.now()
    arm(id, job, kept?.schedule === JSON.stringify(job.schedule) ? kept.due : job.schedule.type === 'interval' ? now : nextRun(job.schedule, now))
  }
  return {
    plan,
    stop: () => {
      stopped = true
      for (const timer of timers.values()) clock.clearTimeout(timer)
      timers.clear()
    },
  }
}
