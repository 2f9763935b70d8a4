// The console's overview (GET /console): the last 24 hours of inbound messages, sends by outcome, failures and a chart.
import type { FastifyInstance } from 'fastify'
import { consoleCopy, twilioErrorMeaning, twilioErrorUrl } from '../copy/index.js'
import { failuresByCode, sendOutcomes, sendsPerMinute, type SendOutcomes } from '../notify/stats.js'
import { inboundByCommand } from '../sms/queries.js'
import { minuteChart } from './chart.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

/** The overview's window. */
const WINDOW_MS = 24 * 3_600_000

const overview = defineView(
  'overview',
  `<% layout('@layout') %>
<% const o = it.copy.overview %>
<p><%= o.window(it.since, it.now) %></p>

<h2 id="inbound-title"><%= o.inboundTitle %></h2>
<p><%= o.unrecorded %></p>
<% if (it.inbound.length === 0) { %><p><%= o.noInbound %></p><% } else { %>
<%~ include('@tableStart', { id: 'inbound-title' }) %><table>
<thead><tr><th scope="col"><%= o.commandHeader %></th><th scope="col" class="num"><%= o.messagesHeader %></th></tr></thead>
<tbody>
<% for (const row of it.inbound) { %>
<tr><td><%= row.command || o.noCommand %></td><td class="num"><%= it.copy.count(row.count) %></td></tr>
<% } %>
</tbody>
<tfoot><tr><th scope="row"><%= o.totalRow %></th><td class="num"><%= it.copy.count(it.inboundTotal) %></td></tr></tfoot>
</table></div>
<% } %>

<h2 id="outcomes-title"><%= o.outcomesTitle %></h2>
<%~ include('@tableStart', { id: 'outcomes-title' }) %><table>
<thead><tr><th scope="col"><%= o.outcomeHeader %></th><th scope="col" class="num"><%= o.messagesHeader %></th>
<th scope="col"><%= o.meaningHeader %></th></tr></thead>
<tbody>
<% for (const row of it.outcomes) { %>
<tr><th scope="row"><%= row.label %></th><td class="num"><%= it.copy.count(row.count) %></td><td class="wrap"><%= row.meaning %></td></tr>
<% } %>
</tbody>
</table></div>

<h2 id="failures-title"><%= o.failuresTitle %></h2>
<% if (it.failures.length === 0) { %><p><%= o.noFailures %></p><% } else { %>
<%~ include('@tableStart', { id: 'failures-title' }) %><table>
<thead><tr><th scope="col"><%= o.codeHeader %></th><th scope="col" class="num"><%= o.failuresHeader %></th>
<th scope="col"><%= o.meaningHeader %></th></tr></thead>
<tbody>
<% for (const row of it.failures) { %>
<tr><th scope="row"><% if (row.href) { %><a href="<%= row.href %>"><%= row.code %></a><% } else { %><%= o.noCode %><% } %></th>
<td class="num"><%= it.copy.count(row.count) %></td><td class="wrap"><%= row.meaning %></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>

<h2 id="chart-heading"><%= o.chartTitle %></h2>
<figure>
<svg viewBox="0 0 <%= it.chart.width %> <%= it.chart.height %>" preserveAspectRatio="none" role="img"
 aria-labelledby="chart-title chart-desc">
<title id="chart-title"><%= o.chartTitle %></title>
<desc id="chart-desc"><%= o.chartDescription(it.chart.total, it.chart.peak) %></desc>
<line x1="0" y1="<%= it.chart.height %>" x2="<%= it.chart.width %>" y2="<%= it.chart.height %>" stroke="#888" stroke-width="1"
 vector-effect="non-scaling-stroke"/>
<% for (const bar of it.chart.bars) { %><rect x="<%= bar.x %>" y="<%= bar.y %>" width="1" height="<%= bar.height %>" fill="currentColor"
 stroke="currentColor" vector-effect="non-scaling-stroke"/>
<% } %></svg>
<figcaption><%= o.chartDescription(it.chart.total, it.chart.peak) %> <%= o.chartAxes(it.since, it.now, it.chart.max) %></figcaption>
</figure>
<% if (it.perMinute.length > 0) { %>
<details>
<summary><%= o.chartTable %></summary>
<%~ include('@tableStart', { id: 'minutes-caption' }) %><table>
<caption id="minutes-caption"><%= o.chartTitle %></caption>
<thead><tr><th scope="col"><%= o.minuteHeader %></th><th scope="col" class="num"><%= o.messagesHeader %></th></tr></thead>
<tbody>
<% for (const row of it.perMinute) { %>
<tr><td><%= row.minute.replace('T', ' ') %></td><td class="num"><%= it.copy.count(row.count) %></td></tr>
<% } %>
</tbody>
</table></div>
</details>
<% } %>`,
)

/** The outcomes table's rows, in the order a send goes through them. */
function outcomeRows(outcomes: SendOutcomes) {
  return (['sent', 'delivered', 'failed', 'expired', 'queued', 'scheduled', 'held'] as const).map((key) => {
    const [label, meaning] = consoleCopy.overview.outcomes[key]
    return { label, meaning, count: outcomes[key] }
  })
}

export async function overviewRoutes(app: FastifyInstance, { deps }: ConsoleContext): Promise<void> {
  const { db, clock } = deps

  app.get('/', async (_request, reply) => {
    const now = clock.now()
    const since = new Date(now.getTime() - WINDOW_MS)
    const [inbound, outcomes, failures, perMinute] = await Promise.all([
      inboundByCommand(db, since),
      sendOutcomes(db, since, now),
      failuresByCode(db, since),
      sendsPerMinute(db, since),
    ])
    const minutes = Math.floor(now.getTime() / 60_000) - Math.floor(since.getTime() / 60_000) + 1
    return reply.consolePage(
      overview,
      consoleCopy.nav.overview,
      {
        since: since.toISOString(),
        now: now.toISOString(),
        inbound,
        inboundTotal: inbound.reduce((sum, row) => sum + row.count, 0),
        outcomes: outcomeRows(outcomes),
        failures: failures.map((row) => ({
          ...row,
          meaning: twilioErrorMeaning(row.code),
          href: row.code === null ? undefined : twilioErrorUrl(row.code),
        })),
        chart: minuteChart(perMinute, since, minutes),
        perMinute,
      },
      { section: 'overview' },
    )
  })
}
