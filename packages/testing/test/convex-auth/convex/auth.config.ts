// Convex Auth's own configuration: tokens are issued by this deployment's site URL.
export default {
  providers: [
    // eslint-disable-next-line node/prefer-global/process -- as Convex Auth's template reads it
    { domain: process.env.CONVEX_SITE_URL, applicationID: 'convex' },
  ],
}
