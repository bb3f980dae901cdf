// The app's sign-in, in one place for the server and the browser: the user's token lives in a
// cookie (here set by the page; in a real app by your identity provider).
export default defineNuxtPlugin({
  dependsOn: ['vueuse-convex'],
  setup() {
    const token = useCookie<string | null>('convex-token')
    useConvexAuth().setAuth({
      isLoading: false,
      isAuthenticated: () => !!token.value,
      fetchAccessToken: async () => token.value ?? null,
    })
  },
})
