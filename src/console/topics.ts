// The console's Topics page (/console/topics): open, rename, close and reopen, through the operator actions.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { consoleCopy } from '../copy/index.js'
import { closeTopic, listTopics, saveTopic, TopicRequest } from '../operators/topics.js'
import { findClosedTopic, listClosedTopics } from '../topics/closed.js'
import { normalizeTopicKey } from '../topics/keys.js'
import { csrfCheck, pageStatus } from './forms.js'
import { actingAs } from './access.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

/** The longest title the API takes (its request schema): the console says so in a sentence instead of refusing the form. */
const MAX_TITLE = (TopicRequest.properties.title as unknown as { maxLength: number }).maxLength
/** Closed topics listed for reopening. */
const CLOSED_LISTED = 50

const view = defineView(
  'topics',
  `<% layout('@layout') %>
<% const c = it.copy.topics %>
<% if (it.notice) { %><p class="success" role="status"><%= it.notice %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>

<h2 id="open-title"><%= c.openTitle %></h2>
<p><%= c.openIntro %></p>
<form method="post" action="/console/topics" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<%~ include('@field', { id: 'key', name: 'key', label: c.keyLabel, hint: c.keyHint, value: it.form.key, error: it.form.errors.key,
  attrs: { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '64',
    required: 'required' } }) %>
<%~ include('@field', { id: 'title', name: 'title', label: c.titleLabel, value: it.form.title, error: it.form.errors.title,
  attrs: { type: 'text', autocomplete: 'off', maxlength: String(it.maxTitle), required: 'required' } }) %>
<button type="submit"><%= c.openButton %></button>
</form>

<h2 id="list-title"><%= c.listTitle(it.topics.length) %></h2>
<% if (it.topics.length === 0) { %><p><%= c.noTopics %></p><% } else { %>
<%~ include('@tableStart', { id: 'list-title' }) %><table>
<thead><tr><th scope="col"><%= c.keyHeader %></th><th scope="col"><%= c.titleHeader %></th>
<th scope="col" class="num"><%= c.subscribersHeader %></th><th scope="col"><%= c.openedHeader %></th>
<th scope="col"><%= c.renameHeader %></th><th scope="col"><%= c.closeHeader %></th></tr></thead>
<tbody>
<% it.topics.forEach((t, i) => { %>
<tr><th scope="row"><%= t.key %></th><td class="wrap"><%= t.title %></td><td class="num"><%= it.copy.count(t.subscribers) %></td>
<td><%= it.copy.formatTime(t.createdAt) %></td>
<td><form class="inline" method="post" action="/console/topics"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="key" value="<%= t.key %>"><input type="hidden" name="form" value="rename">
<label class="visually-hidden" for="rename-<%= i %>"><%= c.newTitleLabel(t.key) %></label>
<input id="rename-<%= i %>" name="title" type="text" value="<%= t.title %>" maxlength="<%= it.maxTitle %>" autocomplete="off" required>
<button type="submit" class="secondary" aria-label="<%= c.renameLabel(t.key) %>"><%= c.renameButton %></button></form></td>
<td><form class="inline" method="post" action="/console/topics/close"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="key" value="<%= t.key %>">
<button type="submit" class="secondary" aria-label="<%= c.closeLabel(t.key) %>"><%= c.closeButton %></button></form></td></tr>
<% }) %>
</tbody>
</table></div>
<% } %>

<h2 id="closed-title"><%= c.closedTitle %></h2>
<% if (it.closed.length === 0) { %><p><%= c.noClosed %></p><% } else { %>
<p><%= c.closedIntro %></p>
<%~ include('@tableStart', { id: 'closed-title' }) %><table>
<thead><tr><th scope="col"><%= c.keyHeader %></th><th scope="col"><%= c.titleHeader %></th>
<th scope="col" class="num"><%= c.subscribersHeader %></th><th scope="col"><%= c.closedHeader %></th>
<th scope="col"><%= c.reopenHeader %></th></tr></thead>
<tbody>
<% for (const t of it.closed) { %>
<tr><th scope="row"><%= t.key %></th><td class="wrap"><%= t.title %></td><td class="num"><%= it.copy.count(t.subscribers) %></td>
<td><%= it.copy.formatTime(t.closed_at) %></td>
<td><form class="inline" method="post" action="/console/topics/reopen"><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="key" value="<%= t.key %>">
<button type="submit" class="secondary" aria-label="<%= c.reopenLabel(t.key) %>"><%= c.reopenButton %></button></form></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>`,
)

/** What the page shows besides the lists: a change just made, a refusal, the open form as typed. */
interface TopicsState {
  notice?: string
  error?: string
  form?: { key?: string; title?: string; errors?: { key?: string; title?: string } }
}

const Done = Type.Union([Type.Literal('saved'), Type.Literal('closed'), Type.Literal('reopened')])
const KeyForm = Type.Object({ key: Type.String({ maxLength: 200 }) })
const TopicForm = Type.Object({
  key: Type.String({ maxLength: 200 }),
  title: Type.String({ maxLength: 2_000 }),
  form: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('rename')])),
})

export async function topicRoutes(plain: FastifyInstance, { deps }: ConsoleContext): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const csrf = csrfCheck(plain)

  async function page(reply: FastifyReply, state: TopicsState = {}, status = 200) {
    const [{ topics }, closed] = await Promise.all([listTopics(deps), listClosedTopics(deps.db, CLOSED_LISTED)])
    const form = { key: state.form?.key ?? '', title: state.form?.title ?? '', errors: state.form?.errors ?? {} }
    const data = { ...state, form, topics, closed, maxTitle: MAX_TITLE }
    return reply.consolePage(view, consoleCopy.nav.topics, data, { section: 'topics', status })
  }

  const done = (reply: FastifyReply, what: 'saved' | 'closed' | 'reopened', key: string) =>
    reply.redirect(`/console/topics?done=${what}&key=${encodeURIComponent(key)}`, 303)

  app.get(
    '/topics',
    { schema: { querystring: Type.Object({ done: Type.Optional(Done), key: Type.Optional(Type.String({ maxLength: 64 })) }) } },
    async (request, reply) => {
      const { done: what, key } = request.query
      const notice = what === undefined || key === undefined ? undefined : consoleCopy.topics[what](key)
      return page(reply, { notice })
    },
  )

  // Opens a topic, or renames (and reopens) it: the open form, and each row's rename form.
  app.post('/topics', { schema: { body: TopicForm }, preValidation: csrf }, async (request, reply) => {
    const { key, title, form } = request.body
    const typed = { key, title }
    if (title.length > MAX_TITLE) {
      const error = consoleCopy.topics.titleTooLong(title.length, MAX_TITLE)
      return form === 'rename' ? page(reply, { error }, 422) : page(reply, { form: { ...typed, errors: { title: error } } }, 422)
    }
    const result = await saveTopic(actingAs(deps, request.operator), key, title)
    if (result.ok) return done(reply, 'saved', result.value.key)
    const { message } = result.problem
    if (form === 'rename') return page(reply, { error: message }, pageStatus(result.status))
    const errors = result.problem.error === 'invalid_key' ? { key: message } : { title: message }
    return page(reply, { form: { ...typed, errors } }, pageStatus(result.status))
  })

  app.post('/topics/close', { schema: { body: KeyForm }, preValidation: csrf }, async (request, reply) => {
    const result = await closeTopic(actingAs(deps, request.operator), request.body.key)
    if (!result.ok) return page(reply, { error: result.problem.message }, pageStatus(result.status))
    return done(reply, 'closed', normalizeTopicKey(request.body.key))
  })

  // Reopens a closed topic with the title it had (the same action as renaming it to that title).
  app.post('/topics/reopen', { schema: { body: KeyForm }, preValidation: csrf }, async (request, reply) => {
    const closed = await findClosedTopic(deps.db, request.body.key)
    if (closed === undefined) return page(reply, { error: consoleCopy.topics.noClosedTopic(request.body.key) }, 404)
    const result = await saveTopic(actingAs(deps, request.operator), closed.key, closed.title)
    if (!result.ok) return page(reply, { error: result.problem.message }, pageStatus(result.status))
    return done(reply, 'reopened', result.value.key)
  })
}
