// GET /metrics: enabled by METRICS_TOKEN, bearer-protected, Prometheus text that a scraper parses, counting real traffic.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { enqueueNotification } from '../../src/notify/queries.js'
import { SendError } from '../../src/sender/sender.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, inbound, memoryLogger, postSigned, recordingSender, testClock, testConfig, testDb, text } from '../helpers.js'

const TOKEN = 'metrics-token-0123456789abcdef'

/** Parses Prometheus text format: `name{a="x",b="y"} value` → samples, and # TYPE lines → types. */
function parse(body: string) {
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = []
  const types = new Map<string, string>()
  for (const line of body.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type !== null) types.set(type[1] as string, type[2] as string)
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not Prometheus text: ${line}`)
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m): [string, string] => [m[1] as string, m[2] as string]),
    )
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) })
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
  return { samples, types, value }
}

t.test('without METRICS_TOKEN the route says how to enable it', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(response.statusCode, 404)
  t.match(response.json(), { error: 'metrics_disabled', message: /set METRICS_TOKEN/ })
})

t.test('a missing or wrong token gets 401; the right one gets the text format', async (t) => {
  // Nothing is sent here: the rate is the deployment's, reported as set (test apps default to 10 000).
  const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN, SEND_RATE_PER_SECOND: '1' } })
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  t.equal(
    (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode,
    401,
  )
  const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(ok.statusCode, 200)
  t.match(ok.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const { types, value } = parse(ok.body)
  t.equal(types.get('smsbot_inbound_messages_total'), 'counter')
  t.equal(types.get('smsbot_webhook_duration_seconds'), 'histogram')
  t.equal(types.get('smsbot_process_cpu_seconds_total'), 'counter', 'default process metrics')
  t.equal(value('smsbot_send_rate_per_second'), 1)
})

t.test('counts what happened: commands, latency, refusals, codes, checks, outbox rows', async (t) => {
  const { app, db, clock, sender } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } })
  await saveTopic(db, 'CS2500-01', 'Fundies', clock.now())
  await text(app, 'H')
  await text(app, 'H')
  await text(app, 'SUB CS2500-01')
  await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'From=x' })
  await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'short' },
    payload: 'From=x',
  })
  await postSigned(app, inbound('H'), { token: 'another-auth-token-0123456789' })
  const page = await app.inject({ method: 'GET', url: '/verify' })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const form = (url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    })
  await form('/verify', { phone: '6175550123' })
  await form('/verify', { phone: '6175550123' })
  const code = /code is (\d+)/.exec((sender as ReturnType<typeof recordingSender>).sent.at(-1)?.body ?? '')?.[1] as string
  await form('/verify/code', { phone: '+16175550123', code: code === '0000' ? '1111' : '0000' })
  await form('/verify/code', { phone: '+16175550123', code })
  await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())

  const scraped = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  const { value } = parse(scraped.body)
  t.equal(value('smsbot_inbound_messages_total', { command: 'help' }), 2)
  t.equal(value('smsbot_inbound_messages_total', { command: 'subscribe' }), 1)
  t.equal(value('smsbot_webhook_duration_seconds_count', { route: '/sms' }), 6, 'every webhook timed, refused ones too')
  t.equal(value('smsbot_signature_refusals_total', { reason: 'missing' }), 1)
  t.equal(value('smsbot_signature_refusals_total', { reason: 'malformed' }), 1)
  t.equal(value('smsbot_signature_refusals_total', { reason: 'mismatch' }), 1)
  t.equal(value('smsbot_codes_sent_total', { outcome: 'sent' }), 1)
  t.equal(value('smsbot_codes_sent_total', { outcome: 'cooldown' }), 1)
  t.equal(value('smsbot_code_checks_total', { outcome: 'wrong' }), 1)
  t.equal(value('smsbot_code_checks_total', { outcome: 'verified' }), 1)
  t.equal(value('smsbot_outbox_rows', { status: 'queued' }), 1, 'read from the database at the scrape')
})

t.test('the dispatcher reports each send by outcome and Twilio error code', async (t) => {
  const config = testConfig(t, { METRICS_TOKEN: TOKEN, SEND_RATE_PER_SECOND: '1000' })
  const db = await testDb(t, config.databasePath)
  const sender = recordingSender()
  sender.failNext(new SendError('opted out', false, 400, 21610), new SendError('busy', true, 429))
  // The dispatcher waits on the test clock, which the test moves; noon in Boston, outside the recipients' quiet hours.
  const clock = testClock('2026-11-23T17:00:00.000Z')
  const app = await buildApp({ config, db, sender, logger: memoryLogger().logger, clock, dispatch: true })
  t.teardown(() => app.close())
  await saveTopic(db, 'T', 'Topic', clock.now())
  for (const from of ['+16175550001', '+16175550002', '+16175550003']) await text(app, 'SUB T', { From: from })
  await app.ready()
  await enqueueNotification(db, 'T', 'hello', clock.now())
  const scrape = async () =>
    parse((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body)
  // Two sends, one of them a retry 1–2 s after its 429: ten seconds of clock time at most.
  await clock.runUntil(
    (async () => {
      while ((await scrape()).value('smsbot_sends_total', { outcome: 'sent' }) !== 2) await clock.sleep(50)
    })(),
    10,
    10_000,
  )
  const { value } = await scrape()
  t.equal(value('smsbot_sends_total', { outcome: 'sent' }), 2, 'two sent (one of them after a retry)')
  t.equal(value('smsbot_sends_total', { outcome: 'failed', error_code: '21610' }), 1)
  t.equal(value('smsbot_sends_total', { outcome: 'retry', error_code: '' }), 1)
})
