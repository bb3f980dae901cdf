import GitHub from '@auth/core/providers/github'
import { Password } from '@convex-dev/auth/providers/Password'
import { convexAuth } from '@convex-dev/auth/server'

// GitHub reads AUTH_GITHUB_ID / AUTH_GITHUB_SECRET: an OAuth sign-in goes as far as GitHub's
// authorization page (the tests have no network to go further).
export const { auth, signIn, signOut, store, isAuthenticated } = convexAuth({ providers: [Password, GitHub] })
