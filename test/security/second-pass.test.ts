// Findings of the second attack pass on a running server (issue 18, items 6, 8 and 11), each reproduced through the app.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTestApp, DATABASES, type RecordingSender } from '../helpers.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** A browser whose every request reaches the app through a local proxy (TRUST_PROXY=true) from `address`. */
function browserBehindProxy(app: FastifyInstance) {
  const cookies = new Map<string, string>()
  let csrf = ''
  const request = async (method: 'GET' | 'POST', url: string, address: string, form?: Record<string, string>) => {
    const response = await app.inject({
      method, url, remoteAddress: '127.0.0.1',
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
      for (let i = 0; i < 5; i++) results.push((await b.post('/verify/code', `2001:db8:1:2::${(n += 1).toString(16)}`, { phone, code: wrong })).body)
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
  t.equal((await b.post('/verify', '::ffff:cb00:7107', { phone: '6175550103' })).statusCode, 429, 'the third code from one IPv4 client, however written')
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
