// The operator API through inject: auth, validation, publish, and progress from signed status callbacks.
import t from 'tap'
import { claimDue, recordSent } from '../../src/notify/queries.js'
import { buildTestApp, DATABASES, postSigned, text, type DatabaseKind, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${ADMIN}` }

async function setup(t: TapT, env: Record<string, string> = { ADMIN_TOKEN: ADMIN }, database: DatabaseKind = 'sqlite') {
  const test = await buildTestApp(t, { env, database })
  const api = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = auth) =>
    test.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
  return { ...test, api }
}

t.test('503 with a clear message when ADMIN_TOKEN is unset; 401 without or with a wrong token', async (t) => {
  const off = await setup(t, {})
  const disabled = await off.api('GET', '/api/topics')
  t.equal(disabled.statusCode, 503)
  t.same(disabled.json(), { error: 'api_disabled', message: 'The operator API is off: set ADMIN_TOKEN to enable it.' })
  const { api } = await setup(t)
  t.equal((await api('GET', '/api/topics', undefined, {})).statusCode, 401)
  t.equal((await api('GET', '/api/topics', undefined, { authorization: 'Bearer wrong' })).statusCode, 401)
  t.match((await api('GET', '/api/topics', undefined, { authorization: ADMIN })).json(), { error: 'unauthorized' })
})

t.test('topics: create, rename, list with counts, close', async (t) => {
  const { api, app } = await setup(t)
  t.same((await api('PUT', '/api/topics/cs2500-01', { title: 'Fundies 1' })).json(), { key: 'CS2500-01', title: 'Fundies 1' })
  t.same((await api('PUT', '/api/topics/CS2500-01', { title: 'Fundamentals 1' })).json(), { key: 'CS2500-01', title: 'Fundamentals 1' })
  await text(app, 'SUB CS2500-01')
  t.match((await api('GET', '/api/topics')).json(), { topics: [{ key: 'CS2500-01', title: 'Fundamentals 1', subscribers: 1 }] })
  t.equal((await api('DELETE', '/api/topics/cs2500-01')).statusCode, 204)
  t.same((await api('GET', '/api/topics')).json(), { topics: [] })
  t.match((await api('DELETE', '/api/topics/CS2500-01')).json(), { error: 'no_such_topic' })
  t.match((await api('PUT', '/api/topics/bad key!', { title: 'x' })).json(), { error: 'invalid_key' })
  t.match((await api('PUT', '/api/topics/OK', { title: '   ' })).json(), { error: 'invalid_title' })
  t.equal((await api('PUT', '/api/topics/OK', {})).statusCode, 400)
})

t.test('publish: 202 with id, recipients and segments; opted-out phones are left out; bad bodies refused', async (t) => {
  const { api, app } = await setup(t)
  await api('PUT', '/api/topics/CS2500-01', { title: 'Fundies 1' })
  await text(app, 'SUB CS2500-01', { From: '+16175550001' })
  await text(app, 'SUB CS2500-01', { From: '+16175550002' })
  await text(app, 'STOP', { From: '+16175550002' })
  const published = await api('POST', '/api/topics/cs2500-01/notifications', { body: 'A seat opened in CS2500-01' })
  t.equal(published.statusCode, 202)
  t.same(published.json(), { id: 1, recipients: 1, segments: 1 })
  t.match((await api('POST', '/api/topics/CS2500-01/notifications', { body: 'x'.repeat(200) })).json(), { segments: 2 })
  t.match((await api('POST', '/api/topics/CS2500-01/notifications', { body: '  ' })).json(), { error: 'empty_body' })
  const long = await api('POST', '/api/topics/CS2500-01/notifications', { body: 'x'.repeat(1601) })
  t.equal(long.statusCode, 400)
  t.match(long.json(), { error: 'body_too_long', message: /1601 characters; the most is 1600/ })
  t.equal((await api('POST', '/api/topics/NOPE/notifications', { body: 'hi' })).statusCode, 404)
  t.equal((await api('GET', '/api/notifications/999')).statusCode, 404)
  t.equal((await api('GET', '/api/notifications/abc')).statusCode, 400)
})

t.test('progress counts come from signed status callbacks, which never move a status backwards', async (t) => {
  const { api, app, db, clock } = await setup(t)
  await api('PUT', '/api/topics/CS2500-01', { title: 'Fundies 1' })
  for (const from of ['+16175550001', '+16175550002', '+16175550003']) await text(app, 'SUB CS2500-01', { From: from })
  const { id } = (await api('POST', '/api/topics/CS2500-01/notifications', { body: 'hello' })).json<{ id: number }>()
  t.match((await api('GET', `/api/notifications/${id}`)).json(), {
    id,
    recipients: 3,
    queued: 3,
    sent: 0,
    delivered: 0,
    failed: 0,
    done: false,
  })
  const rows = await claimDue(db, clock.now(), 30_000, 10)
  for (const [i, row] of rows.entries()) await recordSent(db, row, `SM${String(i).padStart(32, '0')}`, clock.now())
  t.match((await api('GET', `/api/notifications/${id}`)).json(), { queued: 0, sent: 3, done: true })

  const status = (sid: string, MessageStatus: string, extra: Record<string, string> = {}) =>
    postSigned(app, { MessageSid: sid, MessageStatus, AccountSid: 'AC0123456789abcdef0123456789abcdef', ...extra }, { path: '/sms/status' })
  const sid = (i: number) => `SM${String(i).padStart(32, '0')}`
  t.equal((await status(sid(0), 'delivered')).statusCode, 204)
  t.equal((await status(sid(0), 'sent')).statusCode, 204, 'a late "sent" after "delivered"')
  await status(sid(1), 'undelivered', { ErrorCode: '30003' })
  await status(sid(1), 'delivered')
  await status(sid(2), 'queued')
  t.match((await api('GET', `/api/notifications/${id}`)).json(), { sent: 1, delivered: 1, failed: 1, done: true })
  const failed = await db.selectFrom('outbox').select(['status', 'error_code']).where('sid', '=', sid(1)).executeTakeFirstOrThrow()
  t.same(failed, { status: 'failed', error_code: 30003 })

  const unsigned = await app.inject({
    method: 'POST',
    url: '/sms/status',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `MessageSid=${sid(2)}&MessageStatus=delivered`,
  })
  t.equal(unsigned.statusCode, 400)
  const forged = await app.inject({
    method: 'POST',
    url: '/sms/status',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
    payload: `MessageSid=${sid(2)}&MessageStatus=delivered`,
  })
  t.equal(forged.statusCode, 403)
  t.match((await api('GET', `/api/notifications/${id}`)).json(), { sent: 1, delivered: 1 }, 'unsigned callbacks changed nothing')
})

for (const database of DATABASES) {
  t.test(`${database}: sendAt and expiresAt: validated with a reason, kept, and reported in progress`, async (t) => {
    const { api, app, clock } = await setup(t, { ADMIN_TOKEN: ADMIN }, database)
    await api('PUT', '/api/topics/CS2500-01', { title: 'Fundies 1' })
    await text(app, 'SUB CS2500-01', { From: '+16175550001' })
    const publish = (schedule: Record<string, string>) => api('POST', '/api/topics/CS2500-01/notifications', { body: 'hello', ...schedule })
    const refusals: Array<[Record<string, string>, string, RegExp]> = [
      [{ sendAt: 'tomorrow' }, 'invalid_time', /^sendAt must be an ISO 8601 time with its offset, such as 2026-12-01T09:00:00-05:00/],
      [{ sendAt: '2026-12-01T09:00:00' }, 'invalid_time', /sendAt must be an ISO 8601 time with its offset/],
      [{ expiresAt: '2026-13-45T09:00:00Z' }, 'invalid_time', /^expiresAt must be/],
      [{ expiresAt: '2026-11-23T11:59:59Z' }, 'expires_in_past', /^expiresAt \(2026-11-23T11:59:59.000Z\) has already passed/],
      [{ expiresAt: clock.now().toISOString() }, 'expires_in_past', /has already passed/],
      [
        { sendAt: '2026-12-01T09:00:00-05:00', expiresAt: '2026-12-01T13:00:00Z' },
        'expires_before_send',
        /^expiresAt \(2026-12-01T13:00:00.000Z\) must be after sendAt \(2026-12-01T14:00:00.000Z\)\.$/,
      ],
      [{ sendAt: '2026-12-01T14:00:00Z', expiresAt: '2026-12-01T14:00:00Z' }, 'expires_before_send', /must be after sendAt/],
    ]
    for (const [schedule, error, message] of refusals) {
      const refused = await publish(schedule)
      t.equal(refused.statusCode, 400, JSON.stringify(schedule))
      t.match(refused.json(), { error, message })
    }
    const scheduled = await publish({ sendAt: '2026-12-01T09:00:00-05:00', expiresAt: '2026-12-01T16:00:00+0000' })
    t.equal(scheduled.statusCode, 202)
    const { id } = scheduled.json<{ id: number }>()
    t.same((await api('GET', `/api/notifications/${id}`)).json(), {
      id,
      topic: 'CS2500-01',
      recipients: 1,
      segments: 1,
      queued: 0,
      scheduled: 1,
      held: 0,
      sent: 0,
      delivered: 0,
      failed: 0,
      expired: 0,
      done: false,
      sendAt: '2026-12-01T14:00:00.000Z',
      expiresAt: '2026-12-01T16:00:00.000Z',
      publishedBy: 'api',
    })
    const past = await publish({ sendAt: '2026-11-01T09:00:00Z' })
    t.match(
      (await api('GET', `/api/notifications/${past.json<{ id: number }>().id}`)).json(),
      { queued: 1, scheduled: 0 },
      'a sendAt in the past means now',
    )
  })

  t.test(`${database}: GET /api/phones/:phone/consent: every SMS change once, as JSON or CSV`, async (t) => {
    const { api, app, clock, lines } = await setup(t, { ADMIN_TOKEN: ADMIN }, database)
    await api('PUT', '/api/topics/CS2500-01', { title: 'Fundies 1' })
    await api('PUT', '/api/topics/MATH1341', { title: 'Calculus, "honors"' })
    const from = { From: '+16175550001' }
    await text(app, 'SUB CS2500-01', from)
    await text(app, 'SUB CS2500-01', from)
    clock.advance(60_000)
    await text(app, 'SUB MATH1341', from)
    await text(app, 'STOP', from)
    await text(app, 'START', from)
    await text(app, 'UNSUB CS2500-01', from)
    await text(app, 'UNSUB ALL', from)
    await text(app, 'UNSUB ALL', from)
    const json = await api('GET', '/api/phones/+16175550001/consent')
    t.equal(json.statusCode, 200)
    const at = ['2026-11-23T12:00:00.000Z', '2026-11-23T12:01:00.000Z']
    t.same(
      json.json(),
      {
        phone: '+16175550001',
        records: [
          { at: at[0], action: 'subscribe', source: 'sms', topic: 'CS2500-01', detail: null },
          { at: at[1], action: 'subscribe', source: 'sms', topic: 'MATH1341', detail: null },
          { at: at[1], action: 'opt_out', source: 'sms', topic: null, detail: 'STOP' },
          { at: at[1], action: 'opt_in', source: 'sms', topic: null, detail: 'START' },
          { at: at[1], action: 'unsubscribe', source: 'sms', topic: 'CS2500-01', detail: null },
          { at: at[1], action: 'unsubscribe', source: 'sms', topic: 'MATH1341', detail: null },
        ],
      },
      'one record per change; a repeated SUB or UNSUB ALL changes nothing and records nothing',
    )
    const csv = await api('GET', '/api/phones/%2B16175550001/consent', undefined, { ...auth, accept: 'text/csv' })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/)
    t.match(csv.headers['content-disposition'], 'attachment; filename="consent-16175550001.csv"')
    const rows = csv.body.split('\r\n')
    t.equal(rows[0], 'at,phone,action,source,topic,detail')
    t.match(rows[1], /^2026-11-23T12:00:00.000Z,\+16175550001,subscribe,sms,CS2500-01,$/)
    t.equal(rows.length, 8, 'six records, the header and the final line break')
    t.same((await api('GET', '/api/phones/+16175550999/consent')).json(), { phone: '+16175550999', records: [] })
    t.match((await api('GET', '/api/phones/12/consent')).json(), { error: 'invalid_phone' })
    t.equal((await api('GET', '/api/phones/+16175550001/consent', undefined, {})).statusCode, 401, 'admin only')
    t.notOk(
      lines.some((line) => /16175550001|6175550001/.test(line)),
      'the log shows the phone masked, in the path too',
    )
    t.ok(
      lines.some((line) => line.includes('/api/phones/+1******0001/consent')),
      'as +1******0001',
    )
  })
}
