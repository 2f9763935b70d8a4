// Findings of the second attack pass on a running server (issue 18, items 6, 8 and 11), each reproduced through the app.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { startMockTwilio } from '../../src/dev/mock-twilio.js'
import { createTwilioSender } from '../../src/sender/twilio.js'
import { saveTopic } from '../../src/topics/queries.js'
import { ACCOUNT_SID, AUTH_TOKEN, buildTestApp, DATABASES, type RecordingSender } from '../helpers.js'
import { digitsOf, SPELLINGS } from './spellings.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** A browser whose every request reaches the app through a local proxy (TRUST_PROXY=true) from `address`. */
function browserBehindProxy(app: FastifyInstance) {
  const cookies = new Map<string, string>()
  let csrf = ''
  const request = async (method: 'GET' | 'POST', url: string, address: string, form?: Record<string, string>) => {
    const response = await app.inject({
      method,
      url,
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': address, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? FORM : {}) },
      ...(form ? { payload: new URLSearchParams({ _csrf: csrf, ...form }).toString() } : {}),
    })
    for (const c of response.cookies) cookies.set(c.name, c.value)
    csrf = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? csrf
    return response
  }
  return {
    get: (url: string, address: string) => request('GET', url, address),
    post: (url: string, address: string, form: Record<string, string>) => request('POST', url, address, form),
  }
}

const codesSent = (sender: RecordingSender) => sender.sent.filter((s) => /code is \d+/.test(s.body))

for (const database of DATABASES) {
  t.test(`item 6 (${database}): fourteen IPv6 addresses in one /64 are one client for the hourly send limit`, async (t) => {
    const test = await buildTestApp(t, { database, env: { TRUST_PROXY: 'true' } })
    const sender = test.sender as RecordingSender
    const b = browserBehindProxy(test.app)
    await b.get('/verify', '2001:db8:1:2::1')
    const statuses: number[] = []
    for (let i = 1; i <= 14; i++) {
      // Requests a moment apart, as they come: each code takes a slot of the send budget (SPEC §14), 0.1 ms at 10 000/s.
      test.clock.advance(1)
      const response = await b.post('/verify', `2001:db8:1:2::${i.toString(16)}`, { phone: `617555${1000 + i}` })
      statuses.push(response.statusCode)
    }
    t.same(statuses, [...Array<number>(10).fill(200), 429, 429, 429, 429])
    t.equal(codesSent(sender).length, 10, 'exactly OTP_MAX_SENDS_PER_IP_PER_HOUR codes')
    t.same(new Set((await test.db.selectFrom('otp_events').select('ip').execute()).map((r) => r.ip)), new Set(['2001:db8:1:2::/64']))

    const neighbour = await b.post('/verify', '2001:db8:1:3::1', { phone: '6175552001' })
    t.equal(neighbour.statusCode, 200, 'the next /64 is another client')
    t.equal(codesSent(sender).length, 11)
  })

  t.test(`item 6 (${database}): wrong guesses from one /64 count against one per-client failure cap`, async (t) => {
    const test = await buildTestApp(t, { database, env: { TRUST_PROXY: 'true', OTP_MAX_FAILURES_PER_IP_PER_HOUR: '7' } })
    const sender = test.sender as RecordingSender
    const b = browserBehindProxy(test.app)
    await b.get('/verify', '2001:db8:1:2::1')
    const results: string[] = []
    let n = 0
    for (const phone of ['6175550101', '6175550102']) {
      await b.post('/verify', `2001:db8:1:2::${(n += 1).toString(16)}`, { phone })
      const code = /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1]
      const wrong = code === '0000' ? '1111' : '0000'
      for (let i = 0; i < 5; i++)
        results.push((await b.post('/verify/code', `2001:db8:1:2::${(n += 1).toString(16)}`, { phone, code: wrong })).body)
    }
    t.equal(results.filter((r) => /That code is not right/.test(r)).length, 7)
    t.equal(results.filter((r) => /Too many wrong codes were tried from your network/.test(r)).length, 3, 'ten addresses, one client')
  })
}

t.test('item 6: an IPv4-mapped IPv6 address is counted with its IPv4 address', async (t) => {
  const test = await buildTestApp(t, { env: { TRUST_PROXY: 'true', OTP_MAX_SENDS_PER_IP_PER_HOUR: '2' } })
  const b = browserBehindProxy(test.app)
  await b.get('/verify', '203.0.113.7')
  t.equal((await b.post('/verify', '203.0.113.7', { phone: '6175550101' })).statusCode, 200)
  t.equal((await b.post('/verify', '::ffff:203.0.113.7', { phone: '6175550102' })).statusCode, 200)
  t.equal(
    (await b.post('/verify', '::ffff:cb00:7107', { phone: '6175550103' })).statusCode,
    429,
    'the third code from one IPv4 client, however written',
  )
  t.same(new Set((await test.db.selectFrom('otp_events').select('ip').execute()).map((r) => r.ip)), new Set(['203.0.113.7']))
})

t.test('item 11: a +1 533 (personal-communication) or +1 600 (VoIP) number gets no code', async (t) => {
  const test = await buildTestApp(t, { env: { TRUST_PROXY: 'true' } })
  const sender = test.sender as RecordingSender
  const b = browserBehindProxy(test.app)
  await b.get('/verify', '203.0.113.7')
  const personal = await b.post('/verify', '203.0.113.7', { phone: '+1 533 200 1234' })
  t.equal(personal.statusCode, 422)
  t.match(personal.body, /We can only text mobile numbers; that looks like a personal forwarding number\./)
  t.match(personal.body, /value="\+1 533 200 1234"/, 'the input is kept')
  const voip = await b.post('/verify', '203.0.113.7', { phone: '+1 600 200 1234' })
  t.match(voip.body, /that looks like an internet \(VoIP\) number\./)
  t.equal(codesSent(sender).length, 0, 'no code sent')
  t.same(await test.db.selectFrom('otp_events').select('id').execute(), [], 'nothing counted')
  t.equal((await b.post('/verify', '203.0.113.7', { phone: '+1 617 555 0123' })).statusCode, 200, 'a North American mobile still gets one')
})

/** The phone's digits in any log line, however spelled or split: 617 and 555 together, or 7 of its digits in a row. */
function holdsThePhone(line: string): boolean {
  const text = digitsOf(line)
  return /617\D{0,6}555/.test(text) || text.replace(/\D/g, '').includes('6175550')
}

t.test('item 8b: GET /api/phones/<phone>/consent is logged with the phone masked, whatever its spelling', async (t) => {
  const admin = 'admin-token-0123456789abcdef'
  const { app, lines } = await buildTestApp(t, { env: { ADMIN_TOKEN: admin } })
  for (const [name, spelling] of SPELLINGS) {
    const before = lines.length
    const response = await app.inject({
      method: 'GET',
      url: `/api/phones/${spelling}/consent`,
      headers: { authorization: `Bearer ${admin}` },
    })
    t.ok(response.statusCode < 500, `${name}: ${response.statusCode}`)
    const logged = lines.slice(before)
    const request = logged
      .map((line) => JSON.parse(line) as { msg: string; req?: { url: string } })
      .find((line) => line.msg === 'request completed')
    t.match(request?.req?.url, /^\/api\/phones\/(tel:)?\+\d\*+0304\/consent$/, `${name}: ${request?.req?.url}`)
    t.notOk(logged.some(holdsThePhone), `${name}: no log line holds the number`)
  }
  const found = await app.inject({
    method: 'GET',
    url: `/api/phones/${SPELLINGS[0]?.[1]}/consent`,
    headers: { authorization: `Bearer ${admin}` },
  })
  t.equal(found.statusCode, 200, 'the no-break-space spelling is read as the number by the route')
  t.equal(found.json<{ phone: string }>().phone, '+16175550304')
})

t.test("item 8a: a failed /me confirmation logs Twilio's error without the number it echoes", async (t) => {
  const phone = '+16175550304'
  const twilio = await startMockTwilio({
    respond: (m) =>
      /code is/.test(m.body)
        ? undefined
        : {
            status: 400,
            body: {
              code: 21211,
              message: `The 'To' number ${m.to} is not a valid phone number.`,
              more_info: `https://www.twilio.com/docs/errors/21211?To=${encodeURIComponent(m.to)}`,
              status: 400,
            },
          },
  })
  t.teardown(() => twilio.close())
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: twilio.url, phoneNumber: '+16175550100' })
  const { app, db, clock, lines } = await buildTestApp(t, { sender })
  await saveTopic(db, 'CS2500-01', 'Fundamentals of CS 1', clock.now())
  const b = browserBehindProxy(app)
  await b.get('/verify', '203.0.113.7')
  await b.post('/verify', '203.0.113.7', { phone })
  const code = /code is (\d+)/.exec(twilio.messages.at(-1)?.body ?? '')?.[1] as string
  t.match((await b.post('/verify/code', '203.0.113.7', { phone, code })).body, /You are now subscribed!/)
  await b.get('/me', '203.0.113.7')
  t.equal((await b.post('/me/subscriptions', '203.0.113.7', { topic: 'CS2500-01', action: 'subscribe' })).statusCode, 303)
  const warning = lines
    .map((line) => JSON.parse(line) as { msg: string; err?: { message: string; stack: string; code: number } })
    .find((line) => /confirmation not sent/.test(line.msg))
  t.equal(warning?.err?.message, "The 'To' number +1******0304 is not a valid phone number.", "Twilio's message, the number masked")
  t.match(warning?.err?.stack, /^SendError: The 'To' number \+1\*{6}0304 is not a valid phone number\./)
  t.equal(warning?.err?.code, 21211)
  t.notOk(lines.some(holdsThePhone), 'no log line holds the number')
})
