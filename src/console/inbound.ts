// The console's Inbound page (/console/inbound): the latest messages texted in, with the reply each got, phones masked.
import type { FastifyInstance } from 'fastify'
import { consoleCopy } from '../copy/index.js'
import { maskPhone, maskPhonesIn } from '../log.js'
import { latestInbound } from '../sms/queries.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

/** How many messages the page lists. */
const LISTED = 100

const view = defineView(
  'inbound',
  `<% layout('@layout') %>
<% const c = it.copy.inbound %>
<% if (it.messages.length === 0) { %><p><%= c.none %></p><% } else { %>
<%~ include('@tableStart', { id: 'inbound-caption' }) %><table>
<caption id="inbound-caption"><%= c.intro(it.messages.length) %></caption>
<thead><tr><th scope="col"><%= c.receivedHeader %></th><th scope="col"><%= c.phoneHeader %></th>
<th scope="col"><%= c.commandHeader %></th><th scope="col"><%= c.replyHeader %></th></tr></thead>
<tbody>
<% for (const m of it.messages) { %>
<tr><td><%= it.copy.formatTime(m.receivedAt) %></td><td><%= m.phone %></td><td><%= m.command || it.copy.overview.noCommand %></td>
<td class="wrap"><%= m.reply || c.noReply %></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>`,
)

/**
 * A reply as the page shows it: any phone number in it (a keyword's reply, a forward's answer) masked. The S link is
 * stored without its token (sms/answer.ts), so no reply here signs anyone in.
 */
export function shownReply(reply: string): string {
  return maskPhonesIn(reply)
}

export async function inboundRoutes(app: FastifyInstance, { deps }: ConsoleContext): Promise<void> {
  app.get('/inbound', async (_request, reply) => {
    // Masked here, before the template: the page never holds a whole number.
    const messages = (await latestInbound(deps.db, LISTED)).map((m) => ({ ...m, phone: maskPhone(m.phone), reply: shownReply(m.reply) }))
    return reply.consolePage(view, consoleCopy.nav.inbound, { messages }, { section: 'inbound' })
  })
}
