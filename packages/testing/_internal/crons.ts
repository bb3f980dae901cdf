// The jobs of the app's `convex/crons.ts` (and of its components' own), run on their schedules (UTC, as on Convex) as timers
// of the backend's clock, so a test's fake timers drive them whenever they are switched on.
import type { JSONValue } from 'convex/values'
import type { Clock, ClockTimer } from './clock'
import { Cron } from 'croner'

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
  /** The component whose `crons.ts` has it (`''` or none: the app's). */
  componentPath?: string
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** Each expression parsed and checked once: a job's every run asks for its next time. */
const parsed = new Map<string, Cron>()

/**
 * A five-field cron expression (`minute hour day-of-month month day-of-week`, UTC), checked as a
 * deployment checks it when it is pushed (croner parses it; day-of-month OR day-of-week, as cron).
 * Throws, saying what is wrong, for one that is malformed or never matches a date.
 */
export function parseCron(expression: string): Cron {
  let cron = parsed.get(expression)
  if (!cron)
    parsed.set(expression, cron = checkedCron(expression))
  return cron
}

function checkedCron(expression: string): Cron {
  if (expression.trim().split(/\s+/).length !== 5)
    throw new Error(`Cron expression "${expression}" must have 5 fields (minute hour day month weekday), in UTC.`)
  let cron: Cron
  try {
    cron = new Cron(expression, { utcOffset: 0, paused: true }) // UTC without Intl (its timezone option costs ms a run)
  }
  catch (e) {
    throw new Error(`Cron expression "${expression}": ${(e as Error).message.replace(/^CronPattern: /, '')}.`)
  }
  if (!cron.nextRun(new Date(0)) && !cron.nextRun())
    throw new Error(`Cron expression "${expression}" never matches a date.`)
  return cron
}

/** The first minute after `after` (ms) that `expression` allows. */
function nextCron(expression: string, after: number): number {
  const next = parseCron(expression).nextRun(new Date(after))
  if (!next)
    throw new Error(`Cron expression "${expression}" matches no date after ${new Date(after).toISOString()}.`)
  return next.getTime()
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
  return nextCron(asCron(schedule)!, after)
}

/** When each job runs next, by name: what a deploy keeps for the jobs it does not change. */
export type CronPlan = Map<string, { schedule: string, due: number }>

/**
 * Checks every job's schedule as a deployment does when it is pushed: throws, naming the job and
 * its `crons.ts`, for one that would never run (`'0 0 31 2 *'`) or cannot be read.
 */
export function checkCrons(crons: Record<string, CronJob>): void {
  for (const [id, job] of Object.entries(crons)) {
    try {
      nextRun(job.schedule, Date.now())
    }
    catch (e) {
      const file = job.componentPath ? `the crons.ts of component "${job.componentPath}"` : 'convex/crons.ts'
      throw new Error(`Cron job "${id.slice(id.indexOf(':') + 1)}" in ${file}: ${(e as Error).message} Fix its schedule: a deployment refuses the push.`)
    }
  }
}

/**
 * Runs every job of `crons` on its schedule, as timers of `clock`, until `stop` is called. `run`
 * executes one job (the backend's own scheduler path); its failures are the job's. As on Convex,
 * an interval job first runs when it is deployed — at once: `deployed` settles when those runs
 * have — then every interval; a job that `previous` (the plan of the deploy before) already had,
 * with the same schedule, keeps its time.
 */
export function startCrons(crons: Record<string, CronJob>, run: (job: CronJob) => Promise<unknown>, clock: Clock, previous?: CronPlan): { stop: () => void, plan: CronPlan, deployed: Promise<void> } {
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
  const now = clock.now()
  const deployRuns: Array<Promise<unknown>> = []
  for (const [id, job] of Object.entries(crons)) {
    const kept = previous?.get(id)
    if (kept?.schedule === JSON.stringify(job.schedule)) {
      arm(id, job, kept.due)
    }
    else if (job.schedule.type === 'interval') {
      deployRuns.push(run(job).catch(() => {}))
      arm(id, job, nextRun(job.schedule, now))
    }
    else {
      arm(id, job, nextRun(job.schedule, now))
    }
  }
  return {
    plan,
    deployed: Promise.all(deployRuns).then(() => {}),
    stop: () => {
      stopped = true
      for (const timer of timers.values()) clock.clearTimeout(timer)
      timers.clear()
    },
  }
}
