// The console's overview page (GET /console): where each section is.
import type { FastifyInstance } from 'fastify'
import { consoleCopy } from '../copy/index.js'
import type { ConsoleContext } from './routes.js'
import { defineView, navOf } from './views.js'

const overview = defineView(
  'overview',
  `<% layout('@layout') %>
<ul>
<% for (const item of it.sections) { %><li><a href="<%= item.href %>"><%= item.label %></a></li>
<% } %></ul>`,
)

export async function overviewRoutes(app: FastifyInstance, _context: ConsoleContext): Promise<void> {
  app.get('/', async (_request, reply) =>
    reply.consolePage(overview, consoleCopy.nav.overview, { sections: navOf('overview').slice(1) }, { section: 'overview' }),
  )
}
