import { setupUsernamePassword } from '@convex-dev/auth/methods/username-password/server'
import { setupConvexAuth } from '@convex-dev/auth/server'
import { components, internal } from './_generated/api'

// Convex Auth 2's own setup: the session functions, and the username + password method.
const auth = setupConvexAuth({ component: components.auth })
export const { signOut, refreshSession, isAuthenticated } = auth

export const { signUpWithUsernamePassword, signInWithUsernamePassword, changePassword } = setupUsernamePassword(auth, {
  component: components.authPassword,
  usernameComponent: components.authUsername,
}).attachUserCallbacks({ createUser: internal.users.createUser })
