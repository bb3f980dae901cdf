/**
 * Regenerates the `_generated/` folders of the repository's Convex apps offline (no
 * deployment needed) with the command this project ships, `vueuse-convex-codegen`.
 * Run after changing a function's signature: `npm run codegen`.
 */
import { codegen } from '../packages/testing/codegen'
import { root } from './packages'

for (const dir of ['docs/convex', 'packages/testing/test/app/convex', 'packages/testing/test/components/convex', 'packages/testing/test/convex-auth/convex', 'packages/testing/test/components-nested/convex', 'packages/testing/test/kit/convex/counter', 'packages/testing/test/kit/convex', 'packages/nuxt/test/seed-app/convex'])
  codegen(dir, root)
