// The operator API through inject: auth, validation, publish, and progress from signed status callbacks.
import t from 'tap'
import { claimDue, recordSent } from '../../src/notify/queries.js'
import { buildTestApp, postSigned, text, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${ADMIN}` }

async function setup(t: TapT, env: Record<string, string> = { ADMIN_TOKEN: ADMIN }) {
  const test = await buildTestApp(t, { env })
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
  const { id } = (await api('POST', '/api/topics/CS2500-01/notifications', { body: 'hello' })).json() as { id: number }
  t.match((await api('GET', `/api/notifications/${id}`)).json(), { id, recipients: 3, queued: 3, sent: 0, delivered: 0, failed: 0, done: false })
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

  const unsigned = await app.inject({ method: 'POST', url: '/sms/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `MessageSid=${sid(2)}&MessageStatus=delivered` })
  t.equal(unsigned.statusCode, 400)
  const forged = await app.inject({ method: 'POST', url: '/sms/status', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' }, payload: `MessageSid=${sid(2)}&MessageStatus=delivered` })
  t.equal(forged.statusCode, 403)
  t.match((await api('GET', `/api/notifications/${id}`)).json(), { sent: 1, delivered: 1 }, 'unsigned callbacks changed nothing')
})
