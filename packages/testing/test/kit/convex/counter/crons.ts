import { cronJobs } from 'convex/server'
import { internal } from './_generated/api'

const crons = cronJobs()
// As action-retrier's daily cleanup and workpool's healthcheck: the component's own schedule.
crons.interval('tick', { minutes: 30 }, internal.ticks.record, {})
export default crons
