// Signs vueuse-convex in with Better Auth. On the server, the Convex JWT that Better Auth's
// Convex plugin keeps in a cookie (httpOnly; `__Secure-` in front on https) signs the render in; it
// travels to the browser in the payload, where convexBetterAuth starts from it, so the page
// hydrates signed in, then follows the session.
import { convexClient } from '@convex-dev/better-auth/client/plugins'
import { createAuthClient } from 'better-auth/vue'

export default defineNuxtPlugin({
  dependsOn: ['vueuse-convex'],
  setup() {
    const jwt = (name: string) => useCookie<string | null>(name, { readonly: true }).value
    const initialToken = useState<string | null>('convex-jwt', () => jwt('__Secure-better-auth.convex_jwt') ?? jwt('better-auth.convex_jwt') ?? null)
    if (import.meta.server) {
      useConvexAuth().setAuth({ isLoading: false, isAuthenticated: () => !!initialToken.value, fetchAccessToken: async () => initialToken.value })
      return
    }
    const authClient = createAuthClient({ plugins: [convexClient()] })
    useConvexAuth().setAuth(convexBetterAuth(authClient, { initialToken: initialToken.value }))
  },
})
