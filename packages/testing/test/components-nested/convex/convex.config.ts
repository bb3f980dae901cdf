import authPassword from '@convex-dev/auth/components/password/convex.config'
import { defineApp } from 'convex/server'

const app = defineApp()
// A component that nests one of its own (rate-limiter, as `authPassword/rateLimiter`), and
// hashes with a `.wasm` module.
app.use(authPassword)
export default app
