// The console's Keywords page (/console/keywords): list, add or change, remove, through the operator actions.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { consoleCopy } from '../copy/index.js'
import { normalizeKeyword } from '../keywords/queries.js'
import { listKeywords, MAX_KEYWORD_REPLY, removeKeyword, saveKeyword } from '../operators/keywords.js'
import { csrfCheck, pageStatus } from './forms.js'
import { actingAs } from './access.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

const view = defineView(
  'keywords',
  `<% layout('@layout') %>
<% const c = it.copy.keywords %>
<% if (it.notice) { %><p class="success" role="status"><%= it.notice %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>

<h2 id="add-title"><%= c.addTitle %></h2>
<p><%= c.addIntro %></p>
<form method="post" action="/console/keywords" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<%~ include('@field', { id: 'word', name: 'word', label: c.wordLabel, hint: c.wordHint, value: it.form.word, error: it.form.errors.word,
  attrs: { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '32',
    required: 'required' } }) %>
<%~ include('@field', { id: 'reply', name: 'reply', label: c.replyLabel, hint: c.replyHint, value: it.form.reply,
  error: it.form.errors.reply,
  textarea: true, attrs: { rows: '4', maxlength: String(it.maxReply), required: 'required' } }) %>
<button type="submit"><%= c.saveButton %></button>
</form>

<h2 id="list-title"><%= c.listTitle(it.keywords.length) %></h2>
<% if (it.keywords.length === 0) { %><p><%= c.noKeywords %></p><% } else { %>
<%~ include('@tableStart', { id: 'list-title' }) %><table>
<thead><tr><th scope="col"><%= c.wordHeader %></th><th scope="col"><%= c.replyHeader %></th>
<th scope="col" class="num"><%= c.segmentsHeader %></th><th scope="col"><%= c.changedHeader %></th>
<th scope="col"><%= c.removeHeader %></th></tr></thead>
<tbody>
<% for (const k of it.keywords) { %>
<tr><th scope="row"><%= k.word %></th><td class="wrap"><%= k.reply %></td><td class="num"><%= k.segments %></td>
<td><%= it.copy.formatTime(k.updatedAt) %></td>
<td><form class="inline" method="post" action="/console/keywords/remove"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="word" value="<%= k.word %>">
<button type="submit" class="secondary" aria-label="<%= c.removeLabel(k.word) %>"><%= c.removeButton %></button></form></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>`,
)

interface KeywordsState {
  notice?: string
  error?: string
  form?: { word?: string; reply?: string; errors?: { word?: string; reply?: string } }
}

export async function keywordRoutes(plain: FastifyInstance, { deps }: ConsoleContext): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const csrf = csrfCheck(plain)

  async function page(reply: FastifyReply, state: KeywordsState = {}, status = 200) {
    const { keywords } = await listKeywords(deps)
    const form = { word: state.form?.word ?? '', reply: state.form?.reply ?? '', errors: state.form?.errors ?? {} }
    const data = { ...state, form, keywords, maxReply: MAX_KEYWORD_REPLY }
    return reply.consolePage(view, consoleCopy.nav.keywords, data, { section: 'keywords', status })
  }

  const Done = Type.Union([Type.Literal('saved'), Type.Literal('removed')])
  app.get(
    '/keywords',
    { schema: { querystring: Type.Object({ done: Type.Optional(Done), word: Type.Optional(Type.String({ maxLength: 64 })) }) } },
    async (request, reply) => {
      const { done, word } = request.query
      if (done === undefined || word === undefined) return page(reply)
      if (done === 'removed') return page(reply, { notice: consoleCopy.keywords.removed(word) })
      const saved = (await listKeywords(deps)).keywords.find((k) => k.word === word)
      return page(reply, saved === undefined ? {} : { notice: consoleCopy.keywords.saved(saved.word, saved.segments) })
    },
  )

  // The action checks the word (not a command, not a carrier keyword) and the reply; what was typed stays on a refusal.
  const KeywordForm = Type.Object({ word: Type.String({ maxLength: 200 }), reply: Type.String({ maxLength: 10_000 }) })
  app.post('/keywords', { schema: { body: KeywordForm }, preValidation: csrf }, async (request, reply) => {
    const { word, reply: text } = request.body
    const result = await saveKeyword(actingAs(deps, request.operator), word, text)
    if (result.ok) return reply.redirect(`/console/keywords?done=saved&word=${encodeURIComponent(result.value.word)}`, 303)
    const { error, message } = result.problem
    const errors = error === 'empty_reply' || error === 'reply_too_long' ? { reply: message } : { word: message }
    return page(reply, { form: { word, reply: text, errors } }, pageStatus(result.status))
  })

  app.post(
    '/keywords/remove',
    { schema: { body: Type.Object({ word: Type.String({ maxLength: 200 }) }) }, preValidation: csrf },
    async (request, reply) => {
      const result = await removeKeyword(actingAs(deps, request.operator), request.body.word)
      if (!result.ok) return page(reply, { error: result.problem.message }, pageStatus(result.status))
      return reply.redirect(`/console/keywords?done=removed&word=${encodeURIComponent(normalizeKeyword(request.body.word))}`, 303)
    },
  )
}
