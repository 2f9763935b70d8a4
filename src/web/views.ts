// The HTML pages, as Eta templates that escape every value by default (<%= %>).
import { Eta } from 'eta'
import { pageStyle } from '../html/style.js'

// The sign-in offer's link, drawn as the pages' buttons are (a link, so that it works without JavaScript).
const linkButton = `  a.button {
    display: block; box-sizing: border-box; text-align: center; text-decoration: none; font-size: 1.05rem; padding: 0.75rem 1.1rem;
    margin-top: 1.25rem; border-radius: 8px; background: var(--accent); color: #fff;
  }
`

const layout = `<!doctype html>
<html lang="<%= it.copy.lang %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · <%= it.copy.siteName %></title>
<style>
${pageStyle}${linkButton}</style>
</head>
<body>
<main>
<h1><%= it.title %></h1>
<%~ it.body %>
</main>
</body>
</html>`

const field = `<label for="<%= it.id %>"><%= it.label %>
<% if (it.hint) { %> <span class="hint" id="<%= it.id %>-hint"><%= it.hint %></span><% } %>
</label>
<input id="<%= it.id %>" name="<%= it.name %>" value="<%= it.value ?? '' %>"
<% for (const [k, v] of Object.entries(it.attrs ?? {})) { %> <%= k %>="<%= v %>"<% } %>
<% if (it.error) { %> aria-invalid="true" aria-describedby="<%= it.id %>-error" autofocus
<% } else if (it.hint) { %> aria-describedby="<%= it.id %>-hint"<% } %>
<% if (it.focus && !it.error) { %> autofocus<% } %>>
<% if (it.error) { %><p class="error" id="<%= it.id %>-error" role="alert"><%= it.error %></p><% } %>`

const verify = `<% layout('@layout') %>
<% if (it.account) { %><p><%= it.account %></p><% } %>
<p><%= it.copy.verifyIntro %></p>
<form method="post" action="/verify" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<%~ include('@field', { id: 'phone', name: 'phone', label: it.copy.phoneLabel, hint: it.copy.phoneHint, value: it.phone,
  error: it.errors.phone, focus: true, attrs: { type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: 'required' } }) %>
<%~ include('@field', { id: 'name', name: 'name', label: it.copy.nameLabel, value: it.name, error: it.errors.name,
  attrs: { type: 'text', autocomplete: 'name', maxlength: '60' } }) %>
<button type="submit"><%= it.copy.sendButton %></button>
</form>
<% if (it.account) { %><form method="post" action="/logout">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.copy.logoutButton %></button>
</form><% } %>`

// With OIDC configured and no session: the way in is the identity provider's sign-in.
const signIn = `<% layout('@layout') %>
<p><%= it.intro %></p>
<p><a class="button" href="<%= it.href %>"><%= it.button %></a></p>`

const code = `<% layout('@layout') %>
<p><%= it.intro %></p>
<form method="post" action="/verify/code" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="phone" value="<%= it.phone %>">
<input type="hidden" name="name" value="<%= it.name %>">
<%~ include('@field', { id: 'code', name: 'code', label: it.copy.codeLabel, value: it.code, error: it.errors.code, focus: true,
  attrs: { type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]*', maxlength: String(it.length),
    required: 'required' } }) %>
<button type="submit"><%= it.copy.checkButton %></button>
</form>
<form method="post" action="/verify">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="phone" value="<%= it.phone %>">
<input type="hidden" name="name" value="<%= it.name %>">
<button type="submit" class="secondary"><%= it.copy.resendButton %></button>
</form>
<p><a href="/verify"><%= it.copy.changeNumber %></a></p>`

const success = `<% layout('@layout') %>
<p class="success" role="status"><%= it.copy.success %></p>
<p><a href="/me"><%= it.copy.toProfile %></a></p>`

const me = `<% layout('@layout') %>
<dl>
<% if (it.profile.displayName) { %><dt><%= it.copy.nameTerm %></dt><dd><%= it.profile.displayName %></dd><% } %>
<% if (it.profile.email) { %><dt><%= it.copy.emailTerm %></dt><dd><%= it.profile.email %></dd><% } %>
<dt><%= it.copy.phoneTerm %></dt><dd><%= it.profile.phone %></dd>
<dt><%= it.copy.verifiedTerm %></dt><dd><%= it.profile.verifiedOn %></dd>
</dl>
<% if (it.optedOut) { %><p class="notice" role="status"><%= it.copy.optedOut %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<h2><%= it.copy.yourTopicsTitle %></h2>
<% if (it.subscriptions.length === 0) { %><p><%= it.copy.noSubscriptions %></p><% } %>
<ul class="topics">
<% for (const t of it.subscriptions) { %><li><span><strong><%= t.key %></strong> <%= t.title %></span>
<form class="inline" method="post" action="/me/subscriptions"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="topic" value="<%= t.key %>"><input type="hidden" name="action" value="unsubscribe">
<button type="submit" class="secondary" aria-label="<%= it.copy.unsubscribeButton %> <%= t.key %>"><%= it.copy.unsubscribeButton %></button>
</form></li>
<% } %>
</ul>
<h2><%= it.copy.otherTopicsTitle %></h2>
<% if (it.others.length === 0) { %><p><%= it.copy.noTopics %></p><% } %>
<ul class="topics">
<% for (const t of it.others) { %><li><span><strong><%= t.key %></strong> <%= t.title %></span>
<form class="inline" method="post" action="/me/subscriptions"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="topic" value="<%= t.key %>"><input type="hidden" name="action" value="subscribe">
<button type="submit" aria-label="<%= it.copy.subscribeButton %> <%= t.key %>"><%= it.copy.subscribeButton %></button>
</form></li>
<% } %>
</ul>
<h2><%= it.copy.settingsTitle %></h2>
<p><%= it.copy.settingsIntro %></p>
<% if (it.settings.saved) { %><p class="success" role="status"><%= it.copy.settingsSaved %></p><% } %>
<dl>
<dt><%= it.copy.quietLabel %></dt><dd><%= it.settings.quietNow %></dd>
<dt><%= it.copy.zoneLabel %></dt><dd><%= it.settings.zoneNow %></dd>
</dl>
<form method="post" action="/me/settings" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<%~ include('@field', { id: 'quiet', name: 'quiet', label: it.copy.quietLabel, hint: it.settings.quietHint, value: it.settings.quiet,
  error: it.settings.errors.quiet, attrs: { type: 'text', autocomplete: 'off', maxlength: '40' } }) %>
<%~ include('@field', { id: 'zone', name: 'zone', label: it.copy.zoneLabel, hint: it.settings.zoneHint, value: it.settings.zone,
  error: it.settings.errors.zone, attrs: { type: 'text', autocomplete: 'off', maxlength: '60' } }) %>
<button type="submit"><%= it.copy.saveSettingsButton %></button>
</form>
<form method="post" action="/logout">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.copy.logoutButton %></button>
</form>`

const link = `<% layout('@layout') %>
<p><%= it.intro %></p>
<form method="post" action="/verify/link">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="t" value="<%= it.token %>">
<button type="submit"><%= it.copy.linkButton %></button>
</form>`

// Opened while signed in as another phone: two forms, and the one that changes nothing comes first.
const linkOther = `<% layout('@layout') %>
<p class="notice" role="status"><%= it.intro %></p>
<p><%= it.warning %></p>
<form method="post" action="/verify/link">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="t" value="<%= it.token %>">
<input type="hidden" name="choice" value="stay">
<button type="submit"><%= it.stay %></button>
</form>
<form method="post" action="/verify/link">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="t" value="<%= it.token %>">
<input type="hidden" name="choice" value="switch">
<button type="submit" class="secondary"><%= it.switchTo %></button>
</form>`

const message = `<% layout('@layout') %>
<p><%= it.text %></p>
<p><a href="/verify"><%= it.link %></a></p>`

// Eta's own escaping (& < > " and '), so a value is safe whatever quotes a template puts around it.
const eta = new Eta({ autoEscape: true, cache: true, useWith: false })
for (const [name, template] of Object.entries({ layout, field, verify, signIn, code, success, me, link, linkOther, message }))
  eta.loadTemplate(`@${name}`, template)

export type Page = 'verify' | 'signIn' | 'code' | 'success' | 'me' | 'link' | 'linkOther' | 'message'

export function renderPage(page: Page, data: Record<string, unknown>): string {
  return eta.render(`@${page}`, data)
}
