// The console's People page (/console/people?phone=…): one phone's state and consent record, and that record as CSV.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { getCountries } from 'libphonenumber-js/max'
import type { FastifyInstance } from 'fastify'
import { consentCsv } from '../consent/csv.js'
import { consoleCopy } from '../copy/index.js'
import { consentOf } from '../operators/consent.js'
import { lookUpPhone } from '../operators/lookup.js'
import { normalizePhone } from '../phones/normalize.js'
import type { ConsoleContext } from './routes.js'
import { defineView } from './views.js'

/** Every country: a lookup reads any number a texter may have texted from, whatever ALLOWED_COUNTRIES says. */
const ANY_COUNTRY = getCountries()

const view = defineView(
  'people',
  `<% layout('@layout') %>
<% const c = it.copy.people %>
<p><%= c.intro %></p>
<form method="get" action="/console/people" role="search" novalidate>
<%~ include('@field', { id: 'phone', name: 'phone', label: c.phoneLabel, hint: c.phoneHint, value: it.input, error: it.error,
  attrs: { type: 'tel', autocomplete: 'off', inputmode: 'tel', maxlength: '40', required: 'required' } }) %>
<button type="submit"><%= c.lookUpButton %></button>
</form>
<% if (it.unknown) { %><p role="status"><%= it.unknown %></p><% } %>
<% if (it.person) { %><% const p = it.person %>
<h2 id="state-title"><%= c.stateTitle %>: <%= p.phone %></h2>
<dl>
<dt><%= c.verifiedTerm %></dt><dd><%= p.verifiedAt ? it.copy.formatTime(p.verifiedAt) : c.notVerified %></dd>
<dt><%= c.emailTerm %></dt><dd><%= p.email || c.noEmail %></dd>
<dt><%= c.optOutTerm %></dt><dd><%= p.optedOut ? c.optedOut : c.notOptedOut %></dd>
<dt><%= c.languageTerm %></dt><dd><%= p.language ? (c.languages[p.language] || p.language) : c.noLanguage %></dd>
<dt><%= c.subscriptionsTerm %></dt><dd><%= p.subscriptions.length === 0 ? c.noSubscriptions : p.subscriptions.join(', ') %></dd>
</dl>
<h2 id="consent-title"><%= c.consentTitle %></h2>
<p><%= c.consentIntro %> <a href="<%= it.csvHref %>" download><%= c.csvLink %></a></p>
<% if (it.records.length === 0) { %><p><%= c.noRecords %></p><% } else { %>
<%~ include('@tableStart', { id: 'consent-title' }) %><table>
<thead><tr><th scope="col"><%= c.atHeader %></th><th scope="col"><%= c.actionHeader %></th><th scope="col"><%= c.sourceHeader %></th>
<th scope="col"><%= c.topicHeader %></th><th scope="col"><%= c.detailHeader %></th></tr></thead>
<tbody>
<% for (const r of it.records) { %>
<tr><td><%= it.copy.formatTime(r.at) %></td><td><%= r.action %></td><td><%= r.source %></td><td><%= r.topic || '' %></td>
<td><%= r.detail || '' %></td></tr>
<% } %>
</tbody>
</table></div>
<% } %>
<% } %>`,
)

/** A phone as typed, in E.164; or the sentence that says why it is not one. */
function readPhone(input: string, context: ConsoleContext): { ok: true; phone: string } | { ok: false; error: string } {
  const read = normalizePhone(input, context.defaultCountry, ANY_COUNTRY)
  if (read.ok) return { ok: true, phone: read.phone }
  return { ok: false, error: read.reason === 'notMobile' ? consoleCopy.people.notMobile(input) : consoleCopy.people.invalid(input) }
}

const PhoneQuery = Type.Object({ phone: Type.Optional(Type.String({ maxLength: 60 })) })

export async function peopleRoutes(plain: FastifyInstance, context: ConsoleContext): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const { deps } = context

  app.get('/people', { schema: { querystring: PhoneQuery } }, async (request, reply) => {
    const input = request.query.phone?.trim() ?? ''
    const show = (data: Record<string, unknown>, status = 200) =>
      reply.consolePage(view, consoleCopy.nav.people, { input, ...data }, { section: 'people', status })
    if (input === '') return show({})
    const read = readPhone(input, context)
    if (!read.ok) return show({ error: read.error }, 422)
    const [found, consent] = await Promise.all([lookUpPhone(deps, read.phone), consentOf(deps, read.phone)])
    // A phone smsbot never saw: a lookup that found nothing, said in a sentence (its consent record is empty too).
    if (!found.ok) return show({ unknown: consoleCopy.people.unknown(read.phone) })
    const person = { ...found.value, email: found.value.profile?.email ?? null }
    return show({
      person,
      records: consent.ok ? consent.value.records : [],
      csvHref: `/console/people/consent.csv?phone=${encodeURIComponent(read.phone)}`,
    })
  })

  // The same CSV as GET /api/phones/:phone/consent with Accept: text/csv.
  app.get('/people/consent.csv', { schema: { querystring: PhoneQuery } }, async (request, reply) => {
    const read = readPhone(request.query.phone?.trim() ?? '', context)
    const consent = read.ok ? await consentOf(deps, read.phone) : undefined
    if (!read.ok || consent === undefined || !consent.ok) {
      const text = read.ok ? consoleCopy.people.invalid(request.query.phone ?? '') : read.error
      return reply.type('text/plain; charset=utf-8').code(422).send(text)
    }
    const { phone, records } = consent.value
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="consent-${phone.slice(1)}.csv"`)
      .header('cache-control', 'no-store')
      .send(consentCsv(phone, records))
  })
}
