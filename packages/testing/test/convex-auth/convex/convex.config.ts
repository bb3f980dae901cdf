import authPassword from '@convex-dev/auth/components/password/convex.config'
import authUsername from '@convex-dev/auth/components/username/convex.config'
// Convex Auth 2 is a component, with one component per sign-in method's storage.
import auth from '@convex-dev/auth/convex.config'
import { defineApp } from 'convex/server'

const app = defineApp()
app.use(auth)
app.use(authPassword)
app.use(authUsername)
export default app
