// Runs the server build against the installed vue, @vueuse/core and convex: the Convex HTTP API
// is answered here, so the page's queries really go through ConvexHttpClient and the composables.
import assert from 'node:assert/strict'
import { render } from './dist-ssr/entry-server.js'

const calls = []
globalThis.fetch = async (url, init) => {
  const { path, args } = JSON.parse(init.body)
  calls.push(path)
  const [fnArgs] = args
  const value = path === 'messages:list'
    ? [{ _id: 'a', _creationTime: 1, body: 'first' }, { _id: 'b', _creationTime: 2, body: 'second' }]
    : { page: [{ _id: 'c', _creationTime: 3, body: 'paged' }], isDone: true, continueCursor: 'end', splitCursor: null, pageStatus: null, numItems: fnArgs.paginationOpts?.numItems }
  assert.ok(String(url).endsWith('/api/query'), `unexpected request to ${url}`)
  return new Response(JSON.stringify({ status: 'success', value, logLines: [] }), { headers: { 'content-type': 'application/json' } })
}

const { html, state } = await render()
assert.deepEqual(calls.sort(), ['messages:list', 'messages:page'])
assert.match(html, /<p id="action">\s*idle\s*<\/p>/)
assert.match(html, /<li>\s*first\s*<\/li><li>\s*second\s*<\/li>/)
assert.match(html, /Exhausted: paged/)
assert.match(html, /signed out, offline/)
assert.doesNotMatch(html, /secret/)
assert.equal(Object.keys(state.queries).length, 2)
console.log('server render ok')
