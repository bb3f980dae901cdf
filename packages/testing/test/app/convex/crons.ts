import { cronJobs } from 'convex/server'
import { internal } from './_generated/api'

const crons = cronJobs()

crons.interval('every two hours', { hours: 2 }, internal.ticks.record, { job: 'interval' })
crons.hourly('hourly', { minuteUTC: 30 }, internal.ticks.record, { job: 'hourly' })
crons.daily('daily', { hourUTC: 9, minuteUTC: 0 }, internal.ticks.record, { job: 'daily' })
crons.weekly('weekly', { dayOfWeek: 'monday', hourUTC: 8, minuteUTC: 0 }, internal.ticks.record, { job: 'weekly' })
crons.monthly('monthly', { day: 1, hourUTC: 0, minuteUTC: 0 }, internal.ticks.record, { job: 'monthly' })
crons.cron('weekdays at 17:45', '45 17 * * 1-5', internal.ticks.record, { job: 'cron' })

export default crons
