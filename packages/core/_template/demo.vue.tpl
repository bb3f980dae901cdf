<script setup lang="ts">
import { useConvexThing } from '.'

const { value } = useConvexThing('demo')
</script>

<template>
  <p data-testid="thing">
    {{ value }}
  </p>
</template>
