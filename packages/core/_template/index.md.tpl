---
category: Queries
---

# useConvexThing

One sentence on what it does (lint requires it; the README and the docs index use it).

## Usage

```ts
const { value } = useConvexThing(() => props.id)
```

<!-- The demo (demo.vue) and the type declarations are added to the page by the docs build. -->
