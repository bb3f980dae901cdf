// The "Convex" tab of Nuxt DevTools: a page of the dev server, shown by Nuxt DevTools in an
// iframe of the same origin, that renders the inspector the core plugin exposes in development
// (`window.__VUEUSE_CONVEX_DEVTOOLS__`, the same tree and state Vue Devtools shows).

/** Where the dev server serves the tab's page. */
export const DEVTOOLS_TAB_ROUTE = '/__vueuse-convex/devtools'

/** The tab's page: plain HTML and a script, no build step. */
export const devtoolsTabHtml = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Convex</title>
<style>
  :root { color-scheme: light dark; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
  body { margin: 0; display: grid; grid-template-columns: minmax(220px, 1fr) 2fr; height: 100vh; }
  nav, main { overflow: auto; padding: 8px 12px; }
  nav { border-right: 1px solid #8884; }
  ul { list-style: none; margin: 0; padding-left: 14px; }
  nav > ul { padding-left: 0; }
  button { all: unset; cursor: pointer; padding: 1px 4px; border-radius: 3px; }
  button[aria-current="true"] { background: #00dc8233; }
  .tag { margin-left: 6px; padding: 0 4px; border-radius: 3px; font-size: 11px; color: #fff; }
  h2 { font-size: 12px; opacity: .6; margin: 8px 0 4px; text-transform: uppercase; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
  dt { color: #a855f7; } dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
  p { opacity: .7; }
</style>
</head>
<body>
<nav><ul id="tree"></ul></nav>
<main id="state"><p>Select a node.</p></main>
<script>
  let selected = 'queries'
  const tools = () => { try { return window.top.__VUEUSE_CONVEX_DEVTOOLS__ } catch { return undefined } }
  const hex = n => '#' + n.toString(16).padStart(6, '0')
  const text = v => { try { return typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? String(v) } catch { return String(v) } }
  function node(n) {
    const li = document.createElement('li')
    const b = document.createElement('button')
    b.textContent = n.label
    b.setAttribute('aria-current', String(n.id === selected))
    b.onclick = () => { selected = n.id; render() }
    li.append(b)
    for (const t of n.tags ?? []) {
      const s = document.createElement('span')
      s.className = 'tag'
      s.textContent = t.label
      s.style.background = hex(t.backgroundColor)
      li.append(s)
    }
    if (n.children?.length) {
      const ul = document.createElement('ul')
      ul.append(...n.children.map(node))
      li.append(ul)
    }
    return li
  }
  function render() {
    const api = tools()
    const tree = document.getElementById('tree')
    const state = document.getElementById('state')
    if (!api) {
      tree.replaceChildren()
      state.innerHTML = '<p>No vueuse-convex app in this page yet: the plugin connects in development, once the app has started.</p>'
      return
    }
    tree.replaceChildren(...api.tree().map(node))
    const sections = Object.entries(api.state(selected))
    state.replaceChildren(...sections.flatMap(([title, fields]) => {
      const h = document.createElement('h2')
      h.textContent = title
      const dl = document.createElement('dl')
      for (const f of fields) {
        const dt = document.createElement('dt')
        dt.textContent = f.key
        const dd = document.createElement('dd')
        dd.textContent = text(f.value)
        dl.append(dt, dd)
      }
      return [h, dl]
    }))
    if (!sections.length)
      state.innerHTML = '<p>Select a query, a list, Auth or Connection.</p>'
  }
  let stop
  function connect() {
    const api = tools()
    render()
    if (api && !stop)
      stop = api.subscribe(render)
    else if (!api)
      setTimeout(connect, 500)
  }
  connect()
  addEventListener('unload', () => stop?.())
</script>
</body>
</html>
`
