// Better Auth's routes, served from the app's own origin: forwarded to the deployment's site URL.
export default defineEventHandler((event) => {
  const { convexSiteUrl } = useRuntimeConfig(event)
  return proxyRequest(event, `${convexSiteUrl}${event.path}`)
})
