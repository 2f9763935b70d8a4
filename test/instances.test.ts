// Two app instances on one PostgreSQL database, as behind a load balancer: every guarantee holds across them.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import twilio from 'twilio'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/database.js'
import { messagesOf } from '../src/twilio/simulate.js'
import { saveTopic } from '../src/topics/queries.js'
import { AUTH_TOKEN, inbound, memoryLogger, recordingSender, testClock, testConfig, testPostgresUrl, type TapT } from './helpers.js'

const PHONE = '+16175550123'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function twoInstances(t: TapT) {
  const url = await testPostgresUrl(t)
  const config = testConfig(t, { DATABASE_PATH: '', DATABASE_URL: url, MAX_SUBSCRIPTIONS: '3' })
  const sender = recordingSender()
  const clock = testClock()
  const apps: FastifyInstance[] = []
  for (let i = 0; i < 2; i++) {
    const db = openDatabase(url)
    if (i === 0) {
      const { migrateToLatest } = await import('../src/database.js')
      await migrateToLatest(db, url)
      for (let k = 0; k < 10; k++) await saveTopic(db, `TOPIC-${k}`, `Topic ${k}`, clock.now())
    }
    const app = await buildApp({ config, db, sender, logger: memoryLogger().logger, clock })
    t.teardown(() => app.close())
    apps.push(app)
  }
  const sms = async (app: FastifyInstance, params: Record<string, string>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/sms',
      headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'http://localhost:80/sms', params) },
      payload: new URLSearchParams(params).toString(),
    })
    return messagesOf(response.body)[0] ?? ''
  }
  return { apps: apps as [FastifyInstance, FastifyInstance], sender, sms, db: openDatabase(url) }
}

t.test('one MessageSid at both instances at once: identical replies, one effect', async (t) => {
  const { apps, sms, db } = await twoInstances(t)
  t.teardown(() => db.destroy())
  const params = inbound('SUB TOPIC-1', { From: PHONE })
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => sms(apps[i % 2] as FastifyInstance, params)))
  t.same(
    new Set(replies),
    new Set(['Subscribed to TOPIC-1 (Topic 1). smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.']),
  )
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1)
})

t.test('SUB at both instances at once never passes MAX_SUBSCRIPTIONS', async (t) => {
  const { apps, sms, db } = await twoInstances(t)
  t.teardown(() => db.destroy())
  await Promise.all(Array.from({ length: 10 }, (_, i) => sms(apps[i % 2] as FastifyInstance, inbound(`SUB TOPIC-${i}`, { From: PHONE }))))
  t.equal((await db.selectFrom('subscriptions').selectAll().where('phone', '=', PHONE).execute()).length, 3)
})

t.test('verification across instances: one code for simultaneous requests; a session revoked on one is refused on the other', async (t) => {
  const { apps, sender } = await twoInstances(t)
  const [a, b] = apps
  const page = await a.inject({ method: 'GET', url: '/verify' })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const post = (app: FastifyInstance, url: string, fields: Record<string, string>, cookies = cookie) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, cookie: cookies },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    })
  const sends = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 === 0 ? a : b, '/verify', { phone: PHONE })))
  t.equal(sender.sent.length, 1, 'one SMS for ten simultaneous requests at two instances')
  t.equal(sends.filter((r) => r.statusCode === 200).length, 1)
  const code = /code is (\d+)/.exec(sender.sent[0]?.body ?? '')?.[1] as string
  const checks = await Promise.all(Array.from({ length: 4 }, (_, i) => post(i % 2 === 0 ? a : b, '/verify/code', { phone: PHONE, code })))
  const winner = checks.find((r) => r.statusCode === 200)
  t.equal(checks.filter((r) => r.statusCode === 200).length, 1, 'one success of four simultaneous right guesses')
  const session = winner?.cookies.find((c) => c.name === 'smsbot_session')
  const signedIn = `smsbot_session=${session?.value}`
  t.equal(
    (await b.inject({ method: 'GET', url: '/me', headers: { cookie: signedIn } })).statusCode,
    200,
    'a session made on one instance works on the other',
  )
  const me = await a.inject({ method: 'GET', url: '/me', headers: { cookie: signedIn } })
  const token = /name="_csrf" value="([^"]+)"/.exec(me.body)?.[1] as string
  const meCookies = [signedIn, ...me.cookies.map((c) => `${c.name}=${c.value}`)].join('; ')
  const out = await a.inject({
    method: 'POST',
    url: '/logout',
    headers: { ...FORM, cookie: meCookies },
    payload: new URLSearchParams({ _csrf: token }).toString(),
  })
  t.equal(out.statusCode, 303)
  t.equal(
    (await b.inject({ method: 'GET', url: '/me', headers: { cookie: signedIn } })).statusCode,
    303,
    'logged out on one: refused on the other',
  )
})
