// buildApp: health check, error handling that hides internals, and closing the database with the app.
import t from 'tap'
import { BACKGROUND_ROUTES } from '../src/app.js'
import { buildTestApp } from './helpers.js'

t.test('GET /healthz answers ok while the database answers, 503 when it does not', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ok = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { status: 'ok' })
  await db.destroy()
  const down = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(down.statusCode, 503)
  t.same(down.json(), { status: 'unavailable' })
})

t.test('a 5xx never shows internals; a 4xx says why', async (t) => {
  const { app, lines } = await buildTestApp(t)
  app.get('/boom', async () => {
    throw new Error('secret internals at /work/main/src/x.ts:1')
  })
  const boom = await app.inject({ method: 'GET', url: '/boom' })
  t.equal(boom.statusCode, 500)
  t.same(boom.json(), { error: 'internal_error', message: 'Something went wrong on our side. Please try again.' })
  t.notMatch(boom.body, /secret internals/)
  t.ok(
    lines.some((l) => /secret internals/.test(l)),
    'the detail goes to the log',
  )

  const bad = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { 'content-type': 'application/json', 'x-twilio-signature': 'A'.repeat(27) + '=' },
    payload: '{',
  })
  t.equal(bad.statusCode, 415)
  t.match(bad.json(), { error: 'fst_err_ctp_invalid_media_type' })

  const missing = await app.inject({ method: 'GET', url: '/nope' })
  t.equal(missing.statusCode, 404)
})

t.test('closing the app closes the database', async (t) => {
  const { app, db } = await buildTestApp(t)
  await app.close()
  await t.rejects(db.selectFrom('topics').selectAll().execute())
})

t.test('the routes left out of what holds the outbox back are routes the app has', async (t) => {
  const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: 'metrics-token-0123456789abcdef' } })
  const methods: Record<string, 'GET' | 'POST'> = { '/sms/status': 'POST' }
  for (const url of BACKGROUND_ROUTES) t.ok(app.hasRoute({ method: methods[url] ?? 'GET', url }), url)
  t.equal(BACKGROUND_ROUTES.size, 4)
})
