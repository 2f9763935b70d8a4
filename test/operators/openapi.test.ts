// GET /api/openapi.json: a valid OpenAPI 3 document of every /api route (request, response, bearer scheme); Swagger UI at /api/docs.
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../helpers.js'

interface Operation {
  parameters?: Array<{ in: string; name: string }>
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>
}
interface Document {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, unknown> }
  security: unknown[]
}

/** Every route the app registered, read from Fastify's own route tree (not from the document): [method, path]. */
function registeredRoutes(app: FastifyInstance): Array<[string, string]> {
  const routes: Array<[string, string]> = []
  const parents: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (match === null) continue
    const depth = (match[1] as string).length / 4
    const path = (parents[depth - 1] ?? '') + (match[2] as string)
    parents[depth] = path
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) routes.push([method, path])
  }
  return routes
}

t.test('the document validates as OpenAPI 3 and holds every /api route with its schemas and the bearer scheme', async (t) => {
  const { app } = await buildTestApp(t, { env: { ADMIN_TOKEN: 'admin-token-0123456789' } })
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' })
  t.equal(res.statusCode, 200, 'public: the document holds no data')
  const doc = res.json<Document>()
  const validator = new Validator()
  const result = await validator.validate(res.json<Record<string, unknown>>())
  t.same(result.errors, undefined, 'no validation errors')
  t.ok(result.valid, `valid OpenAPI ${doc.openapi}`)
  t.same(doc.security, [{ bearer: [] }])
  t.match(doc.components.securitySchemes, { bearer: { type: 'http', scheme: 'bearer' } })

  const api = registeredRoutes(app).filter(
    ([, path]) => path.startsWith('/api/') && !path.startsWith('/api/docs') && path !== '/api/openapi.json',
  )
  t.ok(api.length >= 13, `${api.length} /api routes registered`)
  for (const [method, path] of api) {
    const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
    if (operation === undefined) {
      t.fail(`${method} ${path} is missing from the document`)
      continue
    }
    const success = Object.entries(operation.responses).find(([code]) => code.startsWith('2'))
    t.ok(success, `${method} ${path} documents its success answer`)
    if (success !== undefined && success[0] !== '204') t.ok(success[1].content, `${method} ${path}: its answer has a schema`)
    t.ok(
      Object.keys(operation.responses).some((code) => code.startsWith('4')),
      `${method} ${path} documents its refusals`,
    )
    if (method === 'PUT' || (method === 'POST' && !path.endsWith('/retry'))) t.ok(operation.requestBody, `${method} ${path}: request body`)
    for (const name of [...path.matchAll(/:(\w+)/g)].map((m) => m[1])) {
      t.ok(
        operation.parameters?.some((p) => p.in === 'path' && p.name === name),
        `${method} ${path}: path parameter ${name}`,
      )
    }
  }
  t.notOk(
    Object.keys(doc.paths).some((p) => !p.startsWith('/api/')),
    'only the operator API is documented',
  )
})

t.test('Swagger UI serves the document at /api/docs', async (t) => {
  const { app } = await buildTestApp(t, { env: { ADMIN_TOKEN: 'admin-token-0123456789' } })
  const page = await app.inject({ method: 'GET', url: '/api/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /swagger-ui/i)
  const css = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' })
  t.equal(css.statusCode, 200, 'its assets are served from the package, nothing from a CDN')
  const json = await app.inject({ method: 'GET', url: '/api/docs/json' })
  t.equal(json.json<Document>().openapi, '3.1.0')
})

t.test('the viewer answers as its own routes do: redirects stay empty, assets revalidate, HEAD gives the length', async (t) => {
  const { app } = await buildTestApp(t, { env: { ADMIN_TOKEN: 'admin-token-0123456789' } })
  const redirect = await app.inject({ method: 'GET', url: '/api/docs/static/index.html' })
  t.equal(redirect.statusCode, 302)
  t.equal(redirect.headers.location, '/api/docs/')
  t.equal(redirect.body, '')
  t.equal(redirect.headers['content-type'], undefined, 'no content type for an empty answer')
  const css = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' })
  t.match(css.headers['content-type'], /^text\/css/)
  const etag = css.headers.etag as string
  t.ok(etag, 'assets carry an etag')
  const again = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css', headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  const json = await app.inject({ method: 'GET', url: '/api/docs/json' })
  const head = await app.inject({ method: 'HEAD', url: '/api/docs/json' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(Number(head.headers['content-length']), json.rawPayload.length)
  const missing = await app.inject({ method: 'GET', url: '/api/docs/nothing' })
  t.equal(missing.statusCode, 404)
  t.same(await app.inject({ method: 'GET', url: '/api/openapi.json' }).then((r) => r.json<Document>().openapi), '3.1.0')
})
