import { defineComponent } from 'convex/server'

// A local component (defined in the app's own tree: no /test entry), with crons of its own.
export default defineComponent('counter')
