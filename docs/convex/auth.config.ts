// Who may sign in: tokens from this issuer for this audience. In a real app this is your
// identity provider (Clerk, Auth0, WorkOS, Convex Auth); `createTestToken` issues tokens
// for exactly this provider, so the demos and tests sign in without one.
export default {
  providers: [
    { domain: 'https://convex.test', applicationID: 'convex' },
  ],
}
