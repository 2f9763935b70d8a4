// The operator API's own document: OpenAPI 3 generated from the routes' TypeBox schemas, and Swagger UI to read it.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify'

const OWN = new Set(['/api/openapi.json'])
const documented = (url: string) => url.startsWith('/api/') && !url.startsWith('/api/docs') && !OWN.has(url)

/** Headers of the viewer's answers that belong to one connection, not to the answer: the app's own server sets them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date'])

type Documented = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>

/**
 * The document and its viewer, on an app of their own that never listens: @fastify/swagger, @fastify/swagger-ui and
 * what they load (yaml, @fastify/static, a glob of the UI's files: about 250 ms at start) are imported when one of
 * them is first asked for. The operator routes are registered there again, as they were seen on the real app.
 */
async function docsApp(routes: readonly Documented[], version: string): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')])
  const docs = Fastify()
  // Nothing is validated or serialised here: the routes only describe themselves (their handlers never run).
  docs.setValidatorCompiler(() => () => true)
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data))
  await docs.register(swagger, {
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
  await docs.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } })
  for (const route of routes) {
    /* c8 ignore next -- the viewer's app only ever answers its own routes: these are there to be described */
    docs.route({ ...route, exposeHeadRoute: false, handler: async (_request, reply) => reply.code(501).send() })
  }
  await docs.ready()
  return docs
}

/**
 * Registered on the app before any route, so that it sees them all; only `/api` routes go in the document. The
 * document and its viewer are public (they hold no data): `GET /api/openapi.json`, `GET /api/docs`.
 */
export async function apiDocs(app: FastifyInstance, version: string): Promise<void> {
  const routes: Documented[] = []
  app.addHook('onRoute', (route) => {
    // HEAD routes are Fastify's own copies of GET routes, never in the document.
    if (route.method !== 'HEAD' && documented(route.url)) {
      routes.push({ method: route.method, url: route.url, schema: route.schema, config: route.config })
    }
  })

  let built: Promise<FastifyInstance> | undefined
  const docs = () => (built ??= docsApp(routes, version))
  app.addHook('onClose', async () => {
    if (built !== undefined) await (await built).close()
  })

  // Swagger UI, its assets and its copies of the document, answered by the viewer's app (HEAD is the app's, from GET).
  const viewer = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await (await docs()).inject({ method: 'GET', url: request.url, headers: request.headers })
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) void reply.header(name, value)
    }
    // An empty answer (a redirect, a 304) stays empty, without a content type of its own.
    return reply.code(answer.statusCode).send(answer.rawPayload.length === 0 ? undefined : answer.rawPayload)
  }
  app.get('/api/docs', { schema: { hide: true } }, viewer)
  app.get('/api/docs/*', { schema: { hide: true } }, viewer)
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => (await docs()).swagger())
}
