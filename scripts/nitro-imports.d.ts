// Nitro's `#imports`, as far as the Nuxt module's server utilities use it, for type-checking
// them outside a Nuxt build (the root tsconfig, scripts/check-examples.ts).
export function useRuntimeConfig(event?: unknown): { public: Record<string, any> }
