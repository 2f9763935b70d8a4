// The console's Notifications pages: the latest notifications, one notification's progress, and its live event stream.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { consoleCopy, consoleSendCopy } from '../copy/index.js'
import { latestNotifications, notificationText } from '../notify/console-queries.js'
import { MAX_ID, progress } from '../operators/notifications.js'
import { createProgressStreams, PROGRESS_STREAM_DEFAULTS, progressEvent } from './progress-stream.js'
import type { ConsoleContext } from './routes.js'
import { defineView, messageView } from './views.js'

/** Notifications on one page of the list. */
const LISTED = 50

const STATUSES = ['queued', 'scheduled', 'held', 'sent', 'delivered', 'failed', 'expired'] as const

const listView = defineView(
  'notifications',
  `<% layout('@layout') %>
<% const c = it.send.notifications %>
<p><%= c.intro %></p>
<% if (it.notifications.length === 0) { %><p><%= c.none %></p><% } else { %>
<%~ include('@tableStart', { id: 'list-caption' }) %><table>
<caption id="list-caption" class="visually-hidden"><%= c.listTitle %></caption>
<thead><tr><th scope="col"><%= c.idHeader %></th><th scope="col"><%= c.topicHeader %></th><th scope="col"><%= c.createdHeader %></th>
<th scope="col" class="num"><%= c.recipientsHeader %></th><th scope="col" class="num"><%= c.segmentsHeader %></th>
<th scope="col"><%= c.progressHeader %></th></tr></thead>
<tbody>
<% for (const n of it.notifications) { %>
<tr><th scope="row"><a href="/console/notifications/<%= n.id %>"><%= n.id %></a></th><td><%= n.topic %></td>
<td><%= it.copy.formatTime(n.createdAt) %></td><td class="num"><%= it.copy.count(n.recipients) %></td>
<td class="num"><%= n.segments %></td><td><%= c.summary(n) %></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>
<% if (it.older !== undefined || it.paged) { %><p class="actions">
<% if (it.paged) { %><a href="/console/notifications"><%= c.newest %></a><% } %>
<% if (it.older !== undefined) { %><a href="/console/notifications?before=<%= it.older %>"><%= c.older %></a><% } %>
</p><% } %>`,
)

const pageView = defineView(
  'notification',
  `<% layout('@layout') %>
<% const c = it.send.notification %>
<% const p = it.progress %>
<% if (it.notice) { %><p class="success" role="status"><%= it.notice %></p><% } %>
<dl>
<dt><%= c.topicTerm %></dt><dd><%= p.topic %></dd>
<dt><%= c.createdTerm %></dt><dd><%= it.copy.formatTime(it.createdAt) %></dd>
<dt><%= c.sendAtTerm %></dt><dd><%= p.sendAt === null ? c.none : it.copy.formatTime(p.sendAt) %></dd>
<dt><%= c.expiresAtTerm %></dt><dd><%= p.expiresAt === null ? c.none : it.copy.formatTime(p.expiresAt) %></dd>
<dt><%= c.segmentsTerm %></dt><dd><%= p.segments %></dd>
</dl>
<h2><%= c.textTitle %></h2>
<blockquote class="sms"><%= it.body %></blockquote>

<h2 id="progress-title"><%= c.progressTitle %></h2>
<div id="progress" data-events="/console/notifications/<%= p.id %>/events" data-done="<%= p.done ? 'true' : 'false' %>"
 data-sending="<%= c.sending %>" data-done-text="<%= c.done %>">
<p id="progress-state" role="status"><%= p.done ? c.done : c.waiting %></p>
<label for="progress-bar"><%= c.barLabel %></label>
<progress id="progress-bar" max="<%= Math.max(p.recipients, 1) %>" value="<%= p.recipients === 0 ? 1 : it.event.finished %>"
 aria-describedby="progress-label" style="width: 100%; height: 1.25rem"><%= it.event.label %></progress>
<p id="progress-label"><%= it.event.label %></p>
<%~ include('@tableStart', { id: 'progress-caption' }) %><table>
<caption id="progress-caption" class="visually-hidden"><%= c.progressTitle %></caption>
<thead><tr><th scope="col"><%= c.statusHeader %></th><th scope="col" class="num"><%= c.messagesHeader %></th>
<th scope="col"><%= c.meaningHeader %></th></tr></thead>
<tbody>
<% for (const key of it.statuses) { %>
<tr><th scope="row"><%= c.statuses[key][0] %></th><td class="num" id="count-<%= key %>"><%= it.copy.count(p[key]) %></td>
<td class="wrap"><%= c.statuses[key][1] %></td></tr>
<% } %>
</tbody>
</table></div>
</div>
<p class="actions"><a href="/console/notifications/<%= p.id %>"><%= c.refresh %></a>
<a href="/console/notifications"><%= c.toList %></a></p>
<script src="/console/assets/progress.js" defer></script>`,
)

export async function notificationPages(plain: FastifyInstance, context: ConsoleContext): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { deps } = context
  const streams = createProgressStreams({ db: deps.db, clock: deps.clock, ...PROGRESS_STREAM_DEFAULTS })
  // Open streams end when the app closes, so that closing never waits for a browser to leave.
  app.addHook('preClose', async () => streams.closeAll())

  app.get(
    '/notifications',
    { schema: { querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID })) }) } },
    async (request, reply) => {
      const { before } = request.query
      const notifications = await latestNotifications(deps.db, LISTED + 1, before)
      const older = notifications.length > LISTED ? notifications[LISTED - 1]?.id : undefined
      const data = { send: consoleSendCopy, notifications: notifications.slice(0, LISTED), older, paged: before !== undefined }
      return reply.consolePage(listView, consoleCopy.nav.notifications, data, { section: 'notifications' })
    },
  )

  const Params = Type.Object({ id: Type.String({ maxLength: 20 }) })
  const idOf = (text: string) => (/^[1-9]\d{0,9}$/.test(text) && Number(text) <= MAX_ID ? Number(text) : undefined)

  app.get(
    '/notifications/:id',
    { schema: { params: Params, querystring: Type.Object({ published: Type.Optional(Type.Literal('1')) }) } },
    async (request, reply) => {
      const id = idOf(request.params.id)
      const [found, text] =
        id === undefined ? [undefined, undefined] : await Promise.all([progress(deps, id), notificationText(deps.db, id)])
      if (found === undefined || !found.ok || text === undefined) {
        const sentence = consoleSendCopy.notification.notFound(request.params.id)
        return reply.consolePage(messageView, consoleCopy.notFoundTitle, { text: sentence }, { section: 'notifications', status: 404 })
      }
      const p = found.value
      const notice = request.query.published === undefined ? undefined : consoleSendCopy.notification.published(p.recipients)
      const data = { send: consoleSendCopy, progress: p, event: progressEvent(p), body: text.body, createdAt: text.createdAt }
      return reply.consolePage(
        pageView,
        consoleSendCopy.notification.title(p.id),
        { ...data, notice, statuses: STATUSES },
        {
          section: 'notifications',
        },
      )
    },
  )

  // The guard hook has let only operators in; the stream is plain text, so is its refusal.
  // No HEAD route: a HEAD request would hold a stream's place with nothing to show for it.
  app.get('/notifications/:id/events', { schema: { params: Params }, exposeHeadRoute: false }, async (request, reply) => {
    const id = idOf(request.params.id)
    const found = id === undefined ? undefined : await progress(deps, id)
    if (id === undefined || found === undefined || !found.ok) {
      return reply.code(404).type('text/plain; charset=utf-8').send(consoleSendCopy.notification.notFound(request.params.id))
    }
    await streams.serve(id, request, reply)
    return reply
  })
}
