// VitePress reads this file; the configuration lives at the top level.
export { default } from '../vitepress.config'
