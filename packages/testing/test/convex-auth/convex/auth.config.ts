import type { AuthConfig } from 'convex/server'
import { convexAuthProvider } from '@convex-dev/auth/server'

// Tokens signed by this deployment's own key (ctx.auth.signJwt), checked against its JWKS.
export default {
  providers: [convexAuthProvider()],
} satisfies AuthConfig
