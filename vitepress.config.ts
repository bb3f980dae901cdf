import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitepress'
import { functionPages } from './.vitepress/plugins/function-pages'
import functions from './docs/functions.json'
import { convexTestingBrowser } from './packages/testing/vite'
import { repositoryUrl } from './scripts/packages'

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url))
/** The one place the repository's address comes from: the root package.json. */
const repo = repositoryUrl()

const functionItems = functions.flatMap(pkg => pkg.functions.map(fn => ({
  text: fn.name,
  link: `/${pkg.package.split('/')[1]}/${fn.name}`,
  category: fn.category,
})))
// The order a newcomer reads them in; a category not listed here goes last.
const ORDER = ['Client', 'Queries', 'Mutations', 'Actions', 'Storage', 'Auth', 'Testing']
const categories = [...new Set(functionItems.map(f => f.category))]
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99))

export default defineConfig({
  title: 'vueuse-convex',
  description: 'Vue composables for Convex, in the style of VueUse',
  srcDir: '.',
  srcExclude: ['README.md', 'packages/**/README.md', '**/node_modules/**', 'bench/**', 'test/**', 'docs/convex/**', '.ci/**'],
  rewrites(id) {
    // packages/core/useConvexAction/index.md -> core/useConvexAction.md; docs/guide/x.md -> guide/x.md
    const fn = /^packages\/([^/]+)\/([^/]+)\/index\.md$/.exec(id)
    if (fn)
      return `${fn[1]}/${fn[2]}.md`
    return id.replace(/^docs\//, '')
  },
  cleanUrls: true,
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/' },
      { text: 'Functions', link: '/core/useConvexAction' },
      { text: 'Changelog', link: `${repo}/blob/main/packages/core/CHANGELOG.md` },
    ],
    socialLinks: [{ icon: 'github', link: repo }],
    editLink: { pattern: `${repo}/edit/main/:path`, text: 'Edit this page' },
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/' },
          { text: 'The local backend', link: '/guide/local-backend' },
          { text: 'Error handling', link: '/guide/error-handling' },
          { text: 'TypeScript', link: '/guide/typescript' },
          { text: 'Nuxt', link: '/guide/nuxt' },
          { text: 'Sign-in: Convex Auth', link: '/guide/sign-in/convex-auth' },
          { text: 'Sign-in: Better Auth', link: '/guide/sign-in/better-auth' },
          { text: 'Sign-in: Clerk', link: '/guide/sign-in/clerk' },
          { text: 'Sign-in: Auth0', link: '/guide/sign-in/auth0' },
          { text: 'Server-side rendering', link: '/guide/ssr' },
          { text: 'Query lifetimes', link: '/guide/lifetimes' },
          { text: 'Persisted cache', link: '/guide/persisted-cache' },
          { text: 'Testing', link: '/guide/testing' },
          { text: 'Vue Devtools', link: '/guide/devtools' },
          { text: 'Reliability', link: '/guide/reliability' },
          { text: 'Performance', link: '/guide/performance' },
        ],
      },
      ...categories.map(category => ({
        text: category,
        items: functionItems.filter(f => f.category === category).map(({ text, link }) => ({ text, link })),
      })),
    ],
    outline: [2, 3],
    search: { provider: 'local' },
  },
  vite: {
    plugins: [functionPages(), convexTestingBrowser()],
    resolve: {
      alias: {
        // Before the package itself: an alias also matches the paths under it.
        '@vueuse-convex/core/loaders': r('./packages/core/loaders.ts'),
        '@vueuse-convex/core/convex-auth': r('./packages/core/convex-auth.ts'),
        '@vueuse-convex/core/convex-auth-server': r('./packages/core/convex-auth-server.ts'),
        '@vueuse-convex/core': r('./packages/core/index.ts'),
        '@vueuse-convex/testing': r('./packages/testing/index.ts'),
      },
    },
    server: { fs: { allow: [r('.')] } },
    // The Convex Auth demo hashes passwords in the page: its WebAssembly module is compiled
    // with a top-level await (every browser of the last years runs it).
    build: { target: 'es2022' },
  },
})
