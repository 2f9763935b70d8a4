// The console's HTML: Eta templates that escape every value (<%= %>), in a layout of its own on the pages' stylesheet.
import { Eta } from 'eta'
import { consoleCopy } from '../copy/index.js'
import { pageStyle } from '../html/style.js'

/** The console's sections, in the nav's order. */
export const SECTIONS = ['overview', 'topics', 'compose', 'notifications', 'keywords', 'people', 'inbound'] as const
export type Section = (typeof SECTIONS)[number]

export const sectionHref = (section: Section): string => (section === 'overview' ? '/console' : `/console/${section}`)

/**
 * What the console adds to the pages' look: a wider page for tables (which scroll inside their own box on a narrow
 * screen, never the page), a nav, a skip link that shows when focused, and a focus ring on every control.
 */
const consoleStyle = `
  body.console { max-width: 72rem; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  .skip {
    position: absolute; left: 0.75rem; top: -4rem; z-index: 1; padding: 0.6rem 0.9rem; border-radius: 8px;
    background: var(--accent); color: #fff;
  }
  .skip:focus { top: 0.75rem; }
  body > header {
    display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem;
    padding-bottom: 0.6rem; border-bottom: 1px solid #8884;
  }
  nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
  nav a { display: inline-block; padding: 0.4rem 0.65rem; border-radius: 8px; text-decoration: none; }
  nav a[aria-current="page"] { background: var(--accent); color: #fff; }
  .who { margin: 0; font-size: 0.95rem; overflow-wrap: anywhere; }
  main:focus { outline: none; }
  h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
  /* Positioned, so the visually hidden labels inside (absolute) scroll with it instead of widening the page. */
  .table-wrap { position: relative; overflow-x: auto; max-width: 100%; margin: 0.5rem 0 1rem; }
  table { border-collapse: collapse; width: 100%; }
  caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
  th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem; border-bottom: 1px solid #8884; }
  th { white-space: nowrap; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  td.wrap { min-width: 14rem; overflow-wrap: anywhere; }
  textarea, select {
    display: block; box-sizing: border-box; width: 100%; font: inherit; font-size: 1.05rem; padding: 0.6rem; margin-top: 0.35rem;
    border: 1px solid #888; border-radius: 8px;
  }
  textarea[aria-invalid="true"], select[aria-invalid="true"] { border: 2px solid var(--error); }
  body.console form:not(.inline) button { width: auto; }
  form.inline { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0; }
  form.inline input { width: auto; min-width: 10rem; flex: 1; margin-top: 0; padding: 0.45rem; font-size: 0.95rem; }
  form.inline label { margin: 0; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; }
  figure { margin: 1rem 0; }
  .visually-hidden {
    position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap; border: 0;
  }
  figure svg { display: block; width: 100%; height: 10rem; color: var(--accent); border-bottom: 1px solid #888; }
  figcaption { font-size: 0.95rem; margin-top: 0.5rem; }
  details { margin: 0.5rem 0 1rem; }
`

const layout = `<!doctype html>
<html lang="<%= it.copy.lang %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · <%= it.copy.siteName %></title>
<style>
${pageStyle}${consoleStyle}</style>
</head>
<body class="console">
<a class="skip" href="#main"><%= it.copy.skipLink %></a>
<header>
<% if (it.nav) { %><nav aria-label="<%= it.copy.navLabel %>"><ul>
<% for (const item of it.nav) { %>
<li><a href="<%= item.href %>"<% if (item.current) { %> aria-current="page"<% } %>><%= item.label %></a></li>
<% } %></ul></nav>
<p class="who"><%= it.copy.signedInAs(it.operator.name) %> · <a href="/me"><%= it.copy.toProfile %></a></p>
<% } else { %><p class="who"><%= it.copy.siteName %></p><% } %>
</header>
<main id="main" tabindex="-1">
<h1><%= it.title %></h1>
<%~ it.body %>
</main>
</body>
</html>`

/** A refusal or a short answer: one sentence and a way on. */
const message = `<% layout('@layout') %>
<p<% if (it.alert) { %> role="alert"<% } %>><%= it.text %></p>
<% if (it.nav) { %><p><a href="/console"><%= it.copy.toOverview %></a></p><% } %>`

/**
 * A scrolling box for a wide table: focusable and named after the table's caption, so a keyboard user can scroll it
 * too; `it.id` names the caption.
 */
const tableStart = `<div class="table-wrap" role="region" tabindex="0" aria-labelledby="<%= it.id %>">`

/**
 * A labelled field (an input, or a textarea with \`it.textarea\`): its hint and its error are tied to it, and a field in
 * error takes the focus.
 */
const field = `<label for="<%= it.id %>"><%= it.label %>
<% if (it.hint) { %> <span class="hint" id="<%= it.id %>-hint"><%= it.hint %></span><% } %>
</label>
<% const described = [it.hint ? it.id + '-hint' : '', it.error ? it.id + '-error' : ''].filter(Boolean).join(' ') %>
<% const attrs = Object.entries(it.attrs ?? {}) %>
<% if (it.textarea) { %><textarea id="<%= it.id %>" name="<%= it.name %>"<% for (const [k, v] of attrs) { %> <%= k %>="<%= v %>"<% } %>
<% if (described) { %> aria-describedby="<%= described %>"<% } %><% if (it.error) { %> aria-invalid="true" autofocus<% } %>>
<%= it.value ?? '' %></textarea>
<% } else { %><input id="<%= it.id %>" name="<%= it.name %>" value="<%= it.value ?? '' %>"
<% for (const [k, v] of attrs) { %> <%= k %>="<%= v %>"<% } %>
<% if (described) { %> aria-describedby="<%= described %>"<% } %><% if (it.error) { %> aria-invalid="true" autofocus<% } %>>
<% } %>
<% if (it.error) { %><p class="error" id="<%= it.id %>-error"><%= it.error %></p><% } %>`

// Eta's own escaping (& < > " and '), so a value is safe whatever quotes a template puts around it.
const eta = new Eta({ autoEscape: true, cache: true, useWith: false })
eta.loadTemplate('@layout', layout)
eta.loadTemplate('@tableStart', tableStart)
eta.loadTemplate('@field', field)

/** Renders one page's template with the data every console page gets (title, copy, csrf, nav, operator). */
export type View = (data: Record<string, unknown>) => string

/** A page's template, loaded once under its name; it starts with `<% layout('@layout') %>`. */
export function defineView(name: string, template: string): View {
  eta.loadTemplate(`@${name}`, template)
  return (data) => eta.render(`@${name}`, { copy: consoleCopy, ...data })
}

export const messageView = defineView('message', message)

/** The nav's links, the current section marked; none for someone who is not (yet) an operator. */
export function navOf(current: Section | undefined): Array<{ href: string; label: string; current: boolean }> {
  return SECTIONS.map((section) => ({ href: sectionHref(section), label: consoleCopy.nav[section], current: section === current }))
}
