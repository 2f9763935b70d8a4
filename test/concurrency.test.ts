// Guarantees under simultaneous requests (SPEC §7): exact counts, through inject and through a listening server.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import twilio from 'twilio'
import { messagesOf } from '../src/twilio/simulate.js'
import { saveKeyword } from '../src/keywords/queries.js'
import { openMenu } from '../src/sms/conversations.js'
import { saveTopic } from '../src/topics/queries.js'
import { checkCode, sendCode } from '../src/verify/codes.js'
import { AUTH_TOKEN, buildTestApp, DATABASES, inbound, recordingSender, type DatabaseKind, type TapT } from './helpers.js'

const PHONE = '+16175550123'

interface Response {
  status: number
  body: string
  setCookies: string[]
}

/** One way of talking to the app: inject (in-process) or real HTTP to a listening server. */
type Transport = (
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  body?: string,
) => Promise<Response>

const viaInject: Transport = async (app, method, url, headers, body) => {
  const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) })
  const raw = response.headers['set-cookie']
  return { status: response.statusCode, body: response.body, setCookies: raw === undefined ? [] : Array.isArray(raw) ? raw : [raw] }
}

const viaHttp: Transport = async (app, method, url, headers, body) => {
  const address = app.server.address() as { port: number }
  const response = await fetch(`http://127.0.0.1:${address.port}${url}`, { method, headers, body, redirect: 'manual' })
  return { status: response.status, body: await response.text(), setCookies: response.headers.getSetCookie() }
}

/** A browser's cookies and its latest CSRF token, so that many requests can share one session. */
class Session {
  private cookies = new Map<string, string>()
  csrf = ''
  constructor(
    private readonly app: FastifyInstance,
    private readonly send: Transport,
  ) {}

  private keep(response: Response): Response {
    for (const line of response.setCookies) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token !== null) this.csrf = token[1] as string
    return response
  }

  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async get(url: string) {
    return this.keep(await this.send(this.app, 'GET', url, { cookie: this.header() }))
  }

  /** Posts a form; simultaneous posts share the token and cookies of the moment they were built. */
  async post(url: string, form: Record<string, string>) {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString()
    return this.keep(
      await this.send(this.app, 'POST', url, { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' }, body),
    )
  }
}

async function setup(t: TapT, send: Transport, database: DatabaseKind, env: Record<string, string> = {}) {
  const sender = recordingSender()
  const test = await buildTestApp(t, { env: { MAX_SUBSCRIPTIONS: '3', ...env }, sender, database })
  if (send === viaHttp) await test.app.listen({ port: 0, host: '127.0.0.1' })
  for (let i = 0; i < 10; i++) await saveTopic(test.db, `TOPIC-${i}`, `Topic ${i}`, test.clock.now())
  const codeSent = () => /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
  // Without PUBLIC_URL the signed URL is the request's own: the inject host, or the listening address.
  const origin = send === viaHttp ? `http://127.0.0.1:${(test.app.server.address() as { port: number }).port}` : 'http://localhost:80'
  const sms = async (params: Record<string, string>) => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${origin}/sms`, params)
    const response = await send(
      test.app,
      'POST',
      '/sms',
      { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(params).toString(),
    )
    t.equal(response.status, 200)
    return messagesOf(response.body)[0] ?? ''
  }
  return { ...test, sender, codeSent, sms, browser: () => new Session(test.app, send) }
}

const count = (items: string[], pattern: RegExp) => items.filter((item) => pattern.test(item)).length

for (const database of DATABASES)
  for (const [name, send] of [
    ['inject', viaInject],
    ['a listening server', viaHttp],
  ] as const) {
    t.test(`${database}, through ${name}`, async (t) => {
      t.test('20 simultaneous POST /verify for one phone send exactly one code', async (t) => {
        const { browser, sender } = await setup(t, send, database)
        const b = browser()
        await b.get('/verify')
        const responses = await Promise.all(Array.from({ length: 20 }, () => b.post('/verify', { phone: PHONE })))
        t.equal(sender.sent.length, 1, 'one SMS')
        t.equal(responses.filter((r) => r.status === 200).length, 1, 'one page says it was sent')
        const waits = responses.filter((r) => r.status === 429)
        t.equal(
          count(
            waits.map((r) => r.body),
            /We just sent you a code\. Wait 30 seconds/,
          ),
          19,
          'the rest are told to wait',
        )
      })

      t.test('40 simultaneous wrong guesses: exactly OTP_MAX_ATTEMPTS judged wrong, the rest too many', async (t) => {
        const { browser, codeSent, db } = await setup(t, send, database)
        const b = browser()
        await b.get('/verify')
        await b.post('/verify', { phone: PHONE })
        const wrong = codeSent() === '0000' ? '1111' : '0000'
        const bodies = (await Promise.all(Array.from({ length: 40 }, () => b.post('/verify/code', { phone: PHONE, code: wrong })))).map(
          (r) => r.body,
        )
        t.equal(count(bodies, /That code is not right/), 5)
        t.equal(count(bodies, /Too many wrong tries for this code/), 35)
        for (const left of [4, 3, 2, 1, 0])
          t.equal(count(bodies, new RegExp(`You have ${left} tr(y|ies) left`)), 1, `"${left} left" said once`)
        const failures = await db.selectFrom('otp_events').select('id').where('kind', '=', 'failure').execute()
        t.equal(failures.length, 5, 'five failures recorded')
      })

      t.test('5 simultaneous right guesses: exactly one success', async (t) => {
        const { browser, codeSent, db } = await setup(t, send, database)
        const b = browser()
        await b.get('/verify')
        await b.post('/verify', { phone: PHONE })
        const code = codeSent()
        const responses = await Promise.all(Array.from({ length: 5 }, () => b.post('/verify/code', { phone: PHONE, code })))
        t.equal(responses.filter((r) => r.status === 200).length, 1)
        t.equal(
          count(
            responses.map((r) => r.body),
            /There is no active code for this number/,
          ),
          4,
        )
        t.equal((await db.selectFrom('profiles').selectAll().execute()).length, 1, 'one profile')
        t.equal((await db.selectFrom('sessions').selectAll().execute()).length, 1, 'one session')
      })

      t.test('10 simultaneous SUBs by SMS with MAX_SUBSCRIPTIONS=3 leave exactly 3', async (t) => {
        const { sms, db } = await setup(t, send, database)
        const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => sms(inbound(`SUB TOPIC-${i}`, { From: PHONE }))))
        t.equal(count(replies, /^Subscribed to TOPIC-\d/), 3)
        t.equal(count(replies, /Reply STOP to cancel\.$/), 1, 'exactly one is confirmed as the first subscription ever')
        t.equal(count(replies, /^You already follow 3 topics, the most allowed/), 7)
        t.equal((await db.selectFrom('subscriptions').selectAll().where('phone', '=', PHONE).execute()).length, 3)
      })

      t.test('10 simultaneous subscriptions on /me with MAX_SUBSCRIPTIONS=3 leave exactly 3', async (t) => {
        const { browser, codeSent, db } = await setup(t, send, database)
        const b = browser()
        await b.get('/verify')
        await b.post('/verify', { phone: PHONE })
        t.equal((await b.post('/verify/code', { phone: PHONE, code: codeSent() })).status, 200)
        await b.get('/me')
        const responses = await Promise.all(
          Array.from({ length: 10 }, (_, i) => b.post('/me/subscriptions', { topic: `TOPIC-${i}`, action: 'subscribe' })),
        )
        t.equal(responses.filter((r) => r.status === 303).length, 3)
        t.equal(
          count(
            responses.map((r) => r.body),
            /You already follow 3 topics, the most allowed/,
          ),
          7,
        )
        t.equal((await db.selectFrom('subscriptions').selectAll().where('phone', '=', PHONE).execute()).length, 3)
      })

      t.test(
        'simultaneous menu numbers with MAX_SUBSCRIPTIONS=3 leave exactly 3; simultaneous MOREs number on without a gap',
        async (t) => {
          const { sms, db, clock } = await setup(t, send, database)
          const menu = await sms(inbound('TOPICS', { From: PHONE }))
          const shown = Number(/Reply 1-(\d+) to follow/.exec(menu)?.[1])
          t.ok(shown >= 4, menu)
          const replies = await Promise.all(Array.from({ length: shown }, (_, i) => sms(inbound(String(i + 1), { From: PHONE }))))
          t.equal(count(replies, /^Subscribed to TOPIC-\d/), 3)
          t.equal(count(replies, /^You already follow 3 topics, the most allowed/), shown - 3)
          t.equal((await db.selectFrom('subscriptions').selectAll().where('phone', '=', PHONE).execute()).length, 3)
          await Promise.all(Array.from({ length: 2 }, () => sms(inbound('MORE', { From: PHONE }))))
          const open = await openMenu(db, PHONE, clock.now())
          t.equal(open?.first, 1)
          t.ok((open?.keys.length ?? 0) > shown, 'the MOREs numbered on')
          t.same(open?.keys, [...new Set(open?.keys)].sort(), 'each topic numbered once, in order: one MORE after the other')
        },
      )

      t.test('one MessageSid answered by an operator keyword, posted 20 times at once: 20 identical replies, one record', async (t) => {
        const { sms, db, clock } = await setup(t, send, database)
        await saveKeyword(db, 'HOURS', 'Open 9 to 5.', clock.now())
        const params = inbound('hours', { From: PHONE })
        const replies = await Promise.all(Array.from({ length: 20 }, () => sms(params)))
        t.same(new Set(replies), new Set(['Open 9 to 5.']))
        t.same(await db.selectFrom('inbound_messages').select(['message_sid', 'command']).execute(), [
          { message_sid: params.MessageSid, command: 'keyword' },
        ])
      })

      t.test('one MessageSid posted 20 times at once: 20 identical replies, one effect', async (t) => {
        const { sms, db } = await setup(t, send, database)
        const params = inbound('SUB TOPIC-1', { From: PHONE })
        const replies = await Promise.all(Array.from({ length: 20 }, () => sms(params)))
        t.same(
          new Set(replies),
          new Set([
            'Subscribed to TOPIC-1 (Topic 1). smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.',
          ]),
        )
        t.equal(replies.length, 20)
        t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1, 'one subscription')
        t.same(
          await db.selectFrom('inbound_messages').select(['message_sid', 'command']).execute(),
          [{ message_sid: params.MessageSid, command: 'subscribe' }],
          'one record',
        )
      })
    })
  }

for (const database of DATABASES)
  t.test(`${database}: the query functions themselves, called simultaneously in one process`, async (t) => {
    const { db, clock, config } = await buildTestApp(t, { database })
    const sender = recordingSender()
    const ctx = { db, sender, clock, otp: config.otp, secret: config.sessionSecret, publicUrl: undefined }
    const sends = await Promise.all(Array.from({ length: 10 }, () => sendCode(ctx, PHONE, '203.0.113.7')))
    t.equal(sends.filter((s) => s.ok).length, 1, 'one code sent of 10 simultaneous sendCode calls')
    t.equal(sender.sent.length, 1)
    const code = /code is (\d+)/.exec(sender.sent[0]?.body ?? '')?.[1] as string
    const checks = await Promise.all(Array.from({ length: 3 }, () => checkCode(ctx, PHONE, code, '203.0.113.7')))
    t.equal(checks.filter((c) => c.ok).length, 1, 'one success of 3 simultaneous right guesses')
  })
