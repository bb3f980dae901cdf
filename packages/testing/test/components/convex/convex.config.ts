import rateLimiter from '@convex-dev/rate-limiter/convex.config'
import { defineApp } from 'convex/server'

const app = defineApp()
app.use(rateLimiter)
app.use(rateLimiter, { name: 'strictLimiter' })
export default app
