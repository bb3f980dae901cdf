// The type of workpool's `/test` entry (0.4.8, and 0.4.7 as @convex-dev/workpool-old), for this
// repository's type check only: the package ships that entry as TypeScript source, whose
// `src/component/shared.ts` has an unused local that this repository's `noUnusedLocals` reports.
// Vitest runs the real entry (tsconfig.json maps only the type check here).
import type { GenericSchema, SchemaDefinition } from 'convex/server'

declare const workpool: {
  register: (t: unknown, name?: string) => void
  schema: SchemaDefinition<GenericSchema, boolean>
  modules: Record<string, () => Promise<any>>
}
export default workpool
