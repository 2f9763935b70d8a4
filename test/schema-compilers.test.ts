// Lazy schema compilers: routes validate, coerce and serialise exactly as with Fastify's defaults, compiled at first use.
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { Type } from 'typebox'
import { lazySchemaCompilers } from '../src/schema-compilers.js'

async function appWith(lazy: boolean): Promise<FastifyInstance> {
  const app = Fastify(lazy ? { schemaController: { compilersFactory: lazySchemaCompilers() } } : {})
  app.post(
    '/items/:id',
    {
      schema: {
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ verbose: Type.Optional(Type.Boolean()), page: Type.Integer({ default: 1 }) }),
        body: Type.Object({ name: Type.String({ minLength: 2 }), tags: Type.Optional(Type.Array(Type.String())) }),
        response: { 200: Type.Object({ id: Type.Integer(), name: Type.String(), page: Type.Integer(), verbose: Type.Boolean() }) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number }
      const { page, verbose } = request.query as { page: number; verbose?: boolean }
      const { name } = request.body as { name: string }
      // `secret` is not in the response schema: the serialiser leaves it out.
      return { id, name, page, verbose: verbose ?? false, secret: 'never sent' }
    },
  )
  await app.ready()
  return app
}

const requests: Array<{ url: string; payload: object | string; headers?: Record<string, string> }> = [
  { url: '/items/7?verbose=true', payload: { name: 'ab', tags: ['x'] } },
  { url: '/items/7', payload: { name: 'ab' } },
  { url: '/items/0', payload: { name: 'ab' } },
  { url: '/items/seven', payload: { name: 'ab' } },
  { url: '/items/7?page=two', payload: { name: 'ab' } },
  { url: '/items/7', payload: { name: 'a' } },
  { url: '/items/7', payload: { tags: 'not an array' } },
  { url: '/items/7', payload: 'null', headers: { 'content-type': 'application/json' } },
]

t.test('every answer, valid or refused, is the one Fastify gives with its own compilers', async (t) => {
  const [eager, lazy] = await Promise.all([appWith(false), appWith(true)])
  t.teardown(() => Promise.all([eager.close(), lazy.close()]))
  for (const request of requests) {
    const send = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: request.url, payload: request.payload, headers: request.headers ?? {} })
    const [a, b] = await Promise.all([send(eager), send(lazy)])
    t.equal(b?.statusCode, a?.statusCode, `${request.url} ${JSON.stringify(request.payload)}: status`)
    t.equal(b?.body, a?.body, `${request.url}: body`)
  }
  const ok = await lazy.inject({ method: 'POST', url: '/items/7?verbose=true', payload: { name: 'ab' } })
  t.same(ok.json(), { id: 7, name: 'ab', page: 1, verbose: true }, 'coerced, defaulted, and only the schema’s fields')
})

t.test('a schema is compiled at its route’s first request, not at start', async (t) => {
  const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() } })
  t.teardown(() => app.close())
  // Not a valid JSON schema: compiling it throws. Fastify's own compilers would refuse it at ready().
  app.post('/broken', { schema: { body: { type: 'no such type' } } }, async () => 'never')
  await app.ready()
  const answer = await app.inject({ method: 'POST', url: '/broken', payload: {} })
  t.equal(answer.statusCode, 500, 'the bad schema shows at its first request')
})
