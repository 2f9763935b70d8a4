// The operator API's own document: OpenAPI 3 generated from the routes' TypeBox schemas, and Swagger UI to read it.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

const OWN = new Set(['/api/openapi.json'])
const documented = (url: string) => url.startsWith('/api/') && !url.startsWith('/api/docs') && !OWN.has(url)

/**
 * Registered on the app before any route, so that it sees them all; only `/api` routes go in the document. The
 * document and its viewer are public (they hold no data): `GET /api/openapi.json`, `GET /api/docs`.
 */
export async function apiDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'smsbot operator API',
        version,
        description: 'Topics, notifications, keywords, consent, people and events. Every route needs `Authorization: Bearer $ADMIN_TOKEN`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url }) => ({ schema: documented(url) ? schema : { ...schema, hide: true }, url }),
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
