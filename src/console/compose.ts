// The console's Compose page (/console/compose): write, see what it costs and who gets it when, confirm, then publish.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { nanoid } from 'nanoid'
import { consoleCopy, consoleSendCopy } from '../copy/index.js'
import { maskPhonesIn } from '../log.js'
import { audienceWithSettings } from '../notify/console-queries.js'
import { createSendWindow } from '../notify/send-window.js'
import { publish } from '../operators/notifications.js'
import { problems, readBody, readSchedule, type Problem } from '../operators/problems.js'
import { listTopics } from '../operators/topics.js'
import { zonesOfNumber } from '../phones/zones.js'
import { normalizeTopicKey } from '../topics/keys.js'
import { findOpenTopic } from '../topics/queries.js'
import { forecastQuietHours, messageCounts, readTypedTime, type MessageCounts, type QuietForecast } from './compose-rules.js'
import { csrfCheck, pageStatus } from './forms.js'
import { actingAs } from './access.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

const copy = consoleSendCopy.compose

/** A text shown as typed, its line breaks kept: lines between <br>, each escaped. */
const textBlock = `<blockquote><% it.lines.forEach((line, i) => { %><% if (i > 0) { %><br><% } %><%= line %><% }) %></blockquote>`

const composeView = defineView(
  'compose',
  `<% layout('@layout') %>
<% const c = it.send.compose %>
<% if (it.topics.length === 0) { %>
<p><%= c.noTopics %></p>
<p><a href="/console/topics"><%= c.toTopics %></a></p>
<% } else { %>
<p><%= c.intro %></p>
<form id="compose-form" method="post" action="/console/compose" novalidate>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<label for="topic"><%= c.topicLabel %></label>
<select id="topic" name="topic"<% if (it.errors.topic) { %> aria-invalid="true" aria-describedby="topic-error" autofocus<% } %>>
<% for (const t of it.topics) { %><option value="<%= t.key %>"<% if (t.key === it.form.topic) { %> selected<% } %>>
<%= c.topicOption(t.key, t.title, t.subscribers) %></option>
<% } %></select>
<% if (it.errors.topic) { %><p class="error" id="topic-error"><%= it.errors.topic %></p><% } %>
<%~ include('@field', { id: 'body', name: 'body', label: c.bodyLabel, hint: c.bodyHint, value: it.form.body, error: it.errors.body,
  textarea: true, attrs: { rows: '4', maxlength: String(it.counts.maxCharacters) } }) %>

<h2 id="counts-title"><%= c.countsTitle %></h2>
<dl id="counts" aria-live="polite" aria-labelledby="counts-title">
<dt><%= c.charactersTerm %></dt>
<dd><span id="count-characters"><%= it.text.characters %></span> <span class="hint"><%= c.charactersNote %></span></dd>
<dt><%= c.encodingTerm %></dt><dd id="count-encoding"><%= it.text.encoding %></dd>
<dt><%= c.segmentsTerm %></dt><dd id="count-segments"><%= it.text.segments %></dd>
</dl>

<p class="hint" id="times-hint"><%= c.timesHint(it.zone) %></p>
<%~ include('@field', { id: 'sendAt', name: 'sendAt', label: c.sendAtLabel, hint: c.sendAtHint, value: it.form.sendAt,
  error: it.errors.sendAt, attrs: { type: 'datetime-local', step: '60' } }) %>
<%~ include('@field', { id: 'expiresAt', name: 'expiresAt', label: c.expiresAtLabel, hint: c.expiresAtHint, value: it.form.expiresAt,
  error: it.errors.expiresAt, attrs: { type: 'datetime-local', step: '60' } }) %>

<h2 id="audience-title"><%= c.audienceTitle %></h2>
<div id="audience" aria-live="polite">
<% for (const sentence of it.audience) { %><p><%= sentence %></p>
<% } %></div>

<div class="actions">
<button type="submit" name="step" value="confirm"><%= c.continueButton %></button>
<button type="submit" class="secondary" name="step" value="preview" id="preview-button"><%= c.previewButton %></button>
</div>
</form>
<script src="/console/assets/compose.js" defer></script>
<% } %>`,
)

const confirmView = defineView(
  'compose-confirm',
  `<% layout('@layout') %>
<% const c = it.send.confirm %>
<p id="total"><strong><%= c.total(it.forecast.recipients, it.counts.segments) %></strong></p>
<p><%= it.forecast.recipients === 0 ? c.noRecipients : c.totalNote %></p>
<dl>
<dt><%= c.topicTerm %></dt><dd><%= it.topic.key %>: <%= it.topic.title %></dd>
<dt><%= c.sendAtTerm %></dt><dd><%= it.sendAt ? it.send.formatIn(it.sendAt, it.zone) : c.atOnce %></dd>
<dt><%= c.expiresAtTerm %></dt><dd><%= it.expiresAt ? it.send.formatIn(it.expiresAt, it.zone) : c.never %></dd>
<dt><%= it.send.compose.charactersTerm %></dt><dd><%= it.text.characters %></dd>
<dt><%= it.send.compose.encodingTerm %></dt><dd><%= it.text.encoding %></dd>
<dt><%= it.send.compose.segmentsTerm %></dt><dd><%= it.text.segments %></dd>
</dl>
<h2><%= c.textTerm %></h2>
${textBlock}
<h2><%= it.send.compose.audienceTitle %></h2>
<% for (const sentence of it.audience) { %><p><%= sentence %></p>
<% } %>
<form id="publish-form" method="post" action="/console/compose/publish">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<% for (const [name, value] of Object.entries(it.form)) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% } %>
<input type="hidden" name="key" value="<%= it.key %>">
<div class="actions">
<button type="submit"><%= c.publishButton %></button>
<button type="submit" class="secondary" formaction="/console/compose" name="step" value="edit"><%= c.changeButton %></button>
</div>
</form>
<script src="/console/assets/compose.js" defer></script>`,
)

/** The form as typed: each field kept as it came, so that a refusal shows it again. */
interface ComposeForm {
  topic: string
  body: string
  sendAt: string
  expiresAt: string
}
type FieldErrors = Partial<Record<keyof ComposeForm, string>>

const ComposeFields = {
  topic: Type.String({ maxLength: 200 }),
  // Room past MAX_BODY, so that a text too long is refused with a sentence that says how long it is.
  body: Type.String({ maxLength: 10_000 }),
  sendAt: Type.Optional(Type.String({ maxLength: 60 })),
  expiresAt: Type.Optional(Type.String({ maxLength: 60 })),
}
const ComposeBody = Type.Object({
  ...ComposeFields,
  step: Type.Optional(Type.Union([Type.Literal('confirm'), Type.Literal('preview'), Type.Literal('edit')])),
  /** The confirmation's one-time key: publishing it twice (a double click, a resubmitted form) queues it once. */
  key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{21}$' })),
})
const PreviewBody = Type.Object({ ...ComposeFields, audience: Type.Optional(Type.Boolean()) })
const PreviewReply = Type.Object({
  counts: Type.Object({
    characters: Type.Integer(),
    maxCharacters: Type.Integer(),
    encoding: Type.String(),
    segments: Type.Integer(),
  }),
  /** The counts as the page shows them. */
  text: Type.Object({ characters: Type.String(), encoding: Type.String(), segments: Type.String() }),
  audience: Type.Optional(Type.Array(Type.String())),
  forecast: Type.Optional(
    Type.Object({
      recipients: Type.Integer(),
      at: Type.String(),
      held: Type.Integer(),
      firstOpening: Type.Union([Type.String(), Type.Null()]),
      lastOpening: Type.Union([Type.String(), Type.Null()]),
      expiring: Type.Integer(),
    }),
  ),
})

/** The counts as sentences, the same on the page, in the preview's answer and on the confirmation. */
function countsText(counts: MessageCounts) {
  return {
    characters: copy.characters(counts.characters, counts.maxCharacters),
    encoding: copy.encodings[counts.encoding],
    segments: copy.segments(counts.segments),
  }
}

/** Which field a refusal of the publish action or of readSchedule belongs to (the text is checked before either). */
function fieldOf(problem: Problem): keyof ComposeForm {
  if (problem.error === 'no_such_topic') return 'topic'
  return problem.error === 'send_at_too_far' ? 'sendAt' : 'expiresAt'
}

/** A JSON route's refusal as JSON (a missing CSRF token: 403), never the console's HTML page; a 5xx goes on to the pages' handler. */
function jsonError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code?.startsWith('FST_CSRF') === true) {
    request.log.warn({ code: error.code }, 'console preview refused: CSRF token missing or invalid')
    void reply.code(403).send({ error: 'csrf', message: consoleCopy.formExpired })
    return
  }
  const status = error.statusCode ?? 500
  if (status >= 500) throw error
  request.log.info({ code: error.code, reason: maskPhonesIn(error.message) }, 'console preview refused')
  void reply.code(status).send({ error: 'bad_request', message: consoleCopy.formRefused })
}

export async function composeRoutes(plain: FastifyInstance, context: ConsoleContext): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const csrf = csrfCheck(plain)
  const { deps, defaultTimeZone: zone } = context
  const { db, clock } = deps
  // The dispatcher's send window: the console asks it who is held, as the dispatcher does when it claims a row.
  const sendWindow = createSendWindow({ db, clock, quietHours: context.quietHours, defaultTimeZone: zone, zonesOf: zonesOfNumber })
  const recipientOf = sendWindow.recipient.bind(sendWindow)

  /** Who gets a notification to `key` and when: at sendAt when it is ahead, else now. */
  async function forecast(key: string, sendAt: string | undefined, expiresAt: string | undefined): Promise<QuietForecast> {
    const now = clock.now()
    const at = sendAt !== undefined && sendAt > now.toISOString() ? new Date(sendAt) : now
    const members = await audienceWithSettings(db, key)
    return forecastQuietHours(members, at, expiresAt === undefined ? undefined : new Date(expiresAt), recipientOf, zone)
  }

  /** The audience in sentences, with the times read as the form would read them (a time it cannot read is left out). */
  async function audienceFor(form: ComposeForm): Promise<{ sentences: string[]; forecast?: QuietForecast }> {
    const topic = await findOpenTopic(db, form.topic)
    if (topic === undefined) return { sentences: [problems.noSuchTopic(form.topic.slice(0, 64)).message] }
    const sendAt = readTypedTime(form.sendAt, zone)
    const expiresAt = readTypedTime(form.expiresAt, zone)
    const send = sendAt.ok ? sendAt.iso : undefined
    const result = await forecast(topic.key, send, expiresAt.ok ? expiresAt.iso : undefined)
    return { sentences: consoleSendCopy.audience(topic.key, result, zone, result.at === send), forecast: result }
  }

  async function formPage(reply: FastifyReply, form: ComposeForm, errors: FieldErrors = {}, status = 200) {
    const { topics } = await listTopics(deps)
    const chosen = topics.find((t) => t.key === normalizeTopicKey(form.topic)) ?? topics[0]
    const shown = { ...form, topic: chosen?.key ?? form.topic }
    const counts = messageCounts(form.body, shown.topic)
    const audience = chosen === undefined ? [] : (await audienceFor(shown)).sentences
    const data = { send: consoleSendCopy, topics, form: shown, errors, counts, text: countsText(counts), audience, zone }
    return reply.consolePage(composeView, consoleCopy.nav.compose, data, { section: 'compose', status })
  }

  /** What the form asks for, checked by the publish action's own readers; the field errors, or what to confirm. */
  async function check(form: ComposeForm) {
    const errors: FieldErrors = {}
    const topic = await findOpenTopic(db, form.topic)
    if (topic === undefined) errors.topic = problems.noSuchTopic(form.topic.slice(0, 64)).message
    const text = readBody(form.body)
    if (!text.ok) errors.body = text.problem.message
    const sendAt = readTypedTime(form.sendAt, zone)
    if (!sendAt.ok) errors.sendAt = copy.invalidTime(copy.sendAtLabel, form.sendAt, zone)
    const expiresAt = readTypedTime(form.expiresAt, zone)
    if (!expiresAt.ok) errors.expiresAt = copy.invalidTime(copy.expiresAtLabel, form.expiresAt, zone)
    if (sendAt.ok && expiresAt.ok) {
      const schedule = readSchedule(sendAt.iso, expiresAt.iso, clock.now())
      if (!schedule.ok) errors[fieldOf(schedule.problem)] ??= schedule.problem.message
    }
    if (topic === undefined || !text.ok || !sendAt.ok || !expiresAt.ok || Object.keys(errors).length > 0)
      return { ok: false as const, errors }
    return { ok: true as const, topic, body: text.body, sendAt: sendAt.iso, expiresAt: expiresAt.iso }
  }

  const formOf = (body: { topic: string; body: string; sendAt?: string | undefined; expiresAt?: string | undefined }): ComposeForm => ({
    topic: body.topic,
    body: body.body,
    sendAt: body.sendAt ?? '',
    expiresAt: body.expiresAt ?? '',
  })

  app.get(
    '/compose',
    { schema: { querystring: Type.Object({ topic: Type.Optional(Type.String({ maxLength: 200 })) }) } },
    async (request, reply) => formPage(reply, { topic: request.query.topic ?? '', body: '', sendAt: '', expiresAt: '' }),
  )

  // The counts as one types (and the audience when asked, on a change of topic or time): JSON, CSRF-checked.
  app.post(
    '/compose/preview',
    { schema: { body: PreviewBody, response: { 200: PreviewReply } }, preValidation: csrf, errorHandler: jsonError },
    async (request) => {
      const form = formOf(request.body)
      const counts = messageCounts(form.body, normalizeTopicKey(form.topic))
      const answer = { counts, text: countsText(counts) }
      if (request.body.audience !== true) return answer
      const audience = await audienceFor(form)
      return { ...answer, audience: audience.sentences, ...(audience.forecast === undefined ? {} : { forecast: audience.forecast }) }
    },
  )

  // The form: "Update counts" (and "Change it" on the confirmation) shows it again; "Review and confirm" checks it.
  app.post('/compose', { schema: { body: ComposeBody }, preValidation: csrf }, async (request, reply) => {
    const form = formOf(request.body)
    if (request.body.step === 'preview' || request.body.step === 'edit') return formPage(reply, form)
    const checked = await check(form)
    if (!checked.ok) return formPage(reply, form, checked.errors, 422)
    const counts = messageCounts(checked.body, checked.topic.key)
    const result = await forecast(checked.topic.key, checked.sendAt, checked.expiresAt)
    const scheduled = checked.sendAt !== undefined && result.at === checked.sendAt
    const data = {
      send: consoleSendCopy,
      form,
      topic: checked.topic,
      counts,
      text: countsText(counts),
      forecast: result,
      audience: consoleSendCopy.audience(checked.topic.key, result, zone, scheduled),
      lines: checked.body.split('\n'),
      sendAt: checked.sendAt,
      expiresAt: checked.expiresAt,
      zone,
      key: nanoid(),
    }
    return reply.consolePage(confirmView, consoleSendCopy.confirm.title, data, { section: 'compose' })
  })

  // Only this queues anything: the operator action the API and the CLI call.
  app.post('/compose/publish', { schema: { body: ComposeBody }, preValidation: csrf }, async (request, reply) => {
    const form = formOf(request.body)
    const checked = await check(form)
    if (!checked.ok) return formPage(reply, form, checked.errors, 422)
    const times = {
      ...(checked.sendAt === undefined ? {} : { sendAt: checked.sendAt }),
      ...(checked.expiresAt === undefined ? {} : { expiresAt: checked.expiresAt }),
    }
    const result = await publish(actingAs(deps, request.operator), checked.topic.key, { body: form.body, ...times }, request.body.key)
    if (!result.ok) return formPage(reply, form, { [fieldOf(result.problem)]: result.problem.message }, pageStatus(result.status))
    request.log.info({ notificationId: result.value.id, recipients: result.value.recipients }, 'console: notification published')
    return reply.redirect(`/console/notifications/${result.value.id}?published=1`, 303)
  })
}
