// Findings of the attack on a running server (issue 10), each reproduced and shown fixed.
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { messagesOf } from '../../src/twilio/simulate.js'
import { saveTopic, closeTopic } from '../../src/topics/queries.js'
import { AUTH_TOKEN, buildTestApp, inbound, postSigned, text, type RecordingSender, type TapT } from '../helpers.js'
import twilio from 'twilio'

const VICTIM = '+16175550123'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** A browser in miniature: cookies, the latest CSRF token, optional extra headers on every request. */
function browser(app: FastifyInstance, headers: Record<string, string> = {}, remoteAddress?: string) {
  const cookies = new Map<string, string>()
  let csrf = ''
  const keep = (response: Awaited<ReturnType<FastifyInstance['inject']>>) => {
    for (const c of response.cookies) {
      if (c.value === '' || c.maxAge === 0) cookies.delete(c.name)
      else cookies.set(c.name, c.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token !== null) csrf = token[1] as string
    return response
  }
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  return {
    cookies,
    get: async (url: string) =>
      keep(
        await app.inject({ method: 'GET', url, headers: { ...headers, cookie: cookie() }, ...(remoteAddress ? { remoteAddress } : {}) }),
      ),
    post: async (url: string, form: Record<string, string>) =>
      keep(
        await app.inject({
          method: 'POST',
          url,
          headers: { ...headers, ...FORM, cookie: cookie() },
          payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
          ...(remoteAddress ? { remoteAddress } : {}),
        }),
      ),
  }
}

const codeOf = (sender: RecordingSender) => /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string

async function ipsStored(db: Awaited<ReturnType<typeof buildTestApp>>['db']) {
  return (await db.selectFrom('otp_events').select('ip').execute()).map((r) => r.ip)
}

t.test('finding 1: a client cannot choose its own address through X-Forwarded-For', async (t) => {
  const spoof = async (t: TapT, env: Record<string, string>, remoteAddress: string) => {
    const test = await buildTestApp(t, { env })
    const b = browser(test.app, {}, remoteAddress)
    await b.get('/verify')
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const response = await test.app.inject({
        method: 'POST',
        url: '/verify',
        remoteAddress,
        headers: { ...FORM, cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-forwarded-for': `10.9.0.${i}, 203.0.113.7` },
        payload: new URLSearchParams({
          _csrf: /name="_csrf" value="([^"]+)"/.exec((await b.get('/verify')).body)?.[1] ?? '',
          phone: `617555${String(1000 + i)}`,
        }).toString(),
      })
      statuses.push(response.statusCode)
    }
    return { statuses, ips: await ipsStored(test.db) }
  }
  const behindNgrok = await spoof(t, { TRUST_PROXY: 'true' }, '127.0.0.1')
  t.same(
    behindNgrok.statuses,
    [...Array<number>(10).fill(200), 429, 429],
    'behind a local proxy the per-IP limit counts the address the proxy saw',
  )
  t.same(new Set(behindNgrok.ips), new Set(['203.0.113.7']))
  const direct = await spoof(t, { TRUST_PROXY: 'true' }, '198.51.100.9')
  t.same(new Set(direct.ips), new Set(['198.51.100.9']), 'a client that is not the trusted proxy is counted by its own address')
  t.same(direct.statuses.slice(-2), [429, 429])
  const off = await spoof(t, {}, '198.51.100.9')
  t.same(new Set(off.ips), new Set(['198.51.100.9']), 'without TRUST_PROXY the header is ignored')
  const listed = await spoof(t, { TRUST_PROXY: '198.51.100.0/24' }, '198.51.100.9')
  t.same(new Set(listed.ips), new Set(['203.0.113.7']), 'a listed proxy CIDR is believed for one hop')

  const junk = await buildTestApp(t, { env: { TRUST_PROXY: 'true' } })
  const b = browser(junk.app, { 'x-forwarded-for': `${'x'.repeat(5000)}` })
  await b.get('/verify')
  await b.post('/verify', { phone: '6175550123' })
  t.same(await ipsStored(junk.db), ['127.0.0.1'], 'a forwarded value that is not an address is never stored')
})

t.test('finding 2: webhook refusals cost little; a signed request is unaffected', async (t) => {
  const { app } = await buildTestApp(t)
  const manyKeys = Array.from({ length: 250_000 }, (_, i) => `k${i}=v`).join('&')
  const unsigned = await app.inject({ method: 'POST', url: '/sms', headers: FORM, payload: manyKeys })
  t.equal(unsigned.statusCode, 400, 'no signature: refused before the body is read')
  const malformed = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...FORM, 'x-twilio-signature': 'not-a-signature' },
    payload: manyKeys,
  })
  t.equal(malformed.statusCode, 403, 'a signature of the wrong shape: refused before the body is read')
  const shaped = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...FORM, 'x-twilio-signature': `${'A'.repeat(27)}=` },
    payload: manyKeys,
  })
  t.equal(shaped.statusCode, 413, 'a 1 MB body is over the webhook limit')
  const tooMany = Array.from({ length: 101 }, (_, i) => `k${i}=v`).join('&')
  const params = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...FORM, 'x-twilio-signature': `${'A'.repeat(27)}=` },
    payload: tooMany,
  })
  t.equal(params.statusCode, 413)
  t.match(params.json(), { error: 'too_many_parameters' })
  const repeated = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...FORM, 'x-twilio-signature': `${'A'.repeat(27)}=` },
    payload: 'From=a&From=b',
  })
  t.equal(repeated.statusCode, 400)
  t.equal(await text(app, 'H'), await text(app, 'H'), 'a signed request still answers')
  t.equal((await postSigned(app, inbound('H'))).statusCode, 200)
})

t.test('finding 3: the owner cannot be locked out — guesses at dead codes do not count, and texting S always works', async (t) => {
  const test = await buildTestApp(t)
  const sender = test.sender as RecordingSender
  const attacker = browser(test.app, {}, '203.0.113.66')
  await attacker.get('/verify')
  await attacker.post('/verify', { phone: VICTIM })
  const wrong = codeOf(sender) === '0000' ? '1111' : '0000'
  for (let i = 0; i < 10; i++) await attacker.post('/verify/code', { phone: VICTIM, code: wrong })
  const failures = await test.db.selectFrom('otp_events').select('id').where('kind', '=', 'failure').execute()
  t.equal(failures.length, 5, 'ten guesses, five counted: the code died after five')
  // Even a determined attacker who does lock the phone (more codes, more guesses) cannot keep the owner out.
  test.clock.advance(30_000)
  await attacker.post('/verify', { phone: VICTIM })
  for (let i = 0; i < 5; i++) await attacker.post('/verify/code', { phone: VICTIM, code: codeOf(sender) === '0000' ? '1111' : '0000' })
  const owner = browser(test.app)
  await owner.get('/verify')
  t.match(
    (await owner.post('/verify', { phone: VICTIM })).body,
    /Too many wrong codes for this number/,
    'code checks are locked for the phone',
  )

  const reply = await text(test.app, 'S', { From: VICTIM })
  const url = /(\/verify\/link\?t=\S+)$/.exec(reply)?.[1] as string
  t.ok(url, reply)
  const confirm = await owner.get(url)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, /You texted S from \+1\*{6}0123/)
  const bare = await test.app.inject({
    method: 'POST',
    url: '/verify/link',
    headers: FORM,
    payload: new URLSearchParams({ t: new URL(url, 'http://x').searchParams.get('t') as string }).toString(),
  })
  t.equal(bare.statusCode, 403, 'the confirming form needs its CSRF token')
  const done = await owner.post('/verify/link', { t: new URL(url, 'http://x').searchParams.get('t') as string })
  t.equal(done.statusCode, 200)
  t.match(done.body, /You are now subscribed!/)
  const me = await owner.get('/me')
  t.equal(me.statusCode, 200)
  t.match(me.body, /\+1\*{6}0123/)
  const again = await browser(test.app).get(url)
  t.equal(again.statusCode, 200, 'opening shows the form, but…')
  const reuse = browser(test.app)
  await reuse.get(url)
  t.match(
    (await reuse.post('/verify/link', { t: new URL(url, 'http://x').searchParams.get('t') as string })).body,
    /This link was already used/,
    'a link works once',
  )
  test.clock.advance(15 * 60_000)
  const late = await text(test.app, 'S', { From: VICTIM })
  test.clock.advance(15 * 60_000)
  t.match((await browser(test.app).get(/(\/verify\/link\?t=\S+)$/.exec(late)?.[1] as string)).body, /This link has expired/)
  t.match(
    (await browser(test.app).get('/verify/link?t=16175550123.zzzz.AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA')).body,
    /This link is not valid/,
  )
})

t.test('finding 3: wrong guesses are bounded per client address', async (t) => {
  const test = await buildTestApp(t, { env: { OTP_MAX_FAILURES_PER_IP_PER_HOUR: '7' } })
  const sender = test.sender as RecordingSender
  const b = browser(test.app, {}, '203.0.113.66')
  await b.get('/verify')
  const results: string[] = []
  for (const phone of ['6175550101', '6175550102']) {
    await b.post('/verify', { phone })
    const wrong = codeOf(sender) === '0000' ? '1111' : '0000'
    for (let i = 0; i < 5; i++) results.push((await b.post('/verify/code', { phone, code: wrong })).body)
  }
  t.equal(results.filter((r) => /That code is not right/.test(r)).length, 7)
  t.equal(results.filter((r) => /Too many wrong codes were tried from your network/.test(r)).length, 3)
})

t.test('finding 4: malformed unsigned input gets a 4xx, never a 5xx', async (t) => {
  const { app } = await buildTestApp(t, { env: { TRUST_PROXY: 'true' } })
  const sig = { 'x-twilio-signature': `${'A'.repeat(27)}=` }
  const cases: Array<[string, { method: 'POST'; url: string; headers: Record<string, string>; payload: string }]> = [
    [
      'JSON with objects for strings',
      {
        method: 'POST',
        url: '/sms',
        headers: { ...sig, 'content-type': 'application/json' },
        payload: JSON.stringify({ From: { a: 1 }, MessageSid: ['x'] }),
      },
    ],
    [
      '100 000 nested brackets',
      { method: 'POST', url: '/sms', headers: { ...sig, 'content-type': 'application/json' }, payload: '['.repeat(100_000) },
    ],
    ['nested brackets in a form', { method: 'POST', url: '/sms', headers: { ...sig, ...FORM }, payload: `a${'['.repeat(50_000)}=1` }],
    ['an odd Host', { method: 'POST', url: '/sms', headers: { ...sig, ...FORM, host: 'bad host:99999' }, payload: 'From=x' }],
    [
      'an odd X-Forwarded-Host',
      {
        method: 'POST',
        url: '/sms',
        headers: { ...sig, ...FORM, 'x-forwarded-host': '[::1', 'x-forwarded-proto': 'ht tp' },
        payload: 'From=x',
      },
    ],
    ['an absolute-form target', { method: 'POST', url: 'http://evil.example/sms', headers: { ...sig, ...FORM }, payload: 'From=x' }],
    [
      'a status callback with JSON',
      { method: 'POST', url: '/sms/status', headers: { ...sig, 'content-type': 'application/json' }, payload: '{"MessageSid":{}}' },
    ],
  ]
  for (const [name, request] of cases) {
    const response = await app.inject(request)
    t.ok(response.statusCode >= 400 && response.statusCode < 500, `${name}: ${response.statusCode}`)
  }
})

t.test('finding 5: stalled sockets are closed: within the request timeout, or at once after a refusal', async (t) => {
  const { app } = await buildTestApp(t, { env: { REQUEST_TIMEOUT_SECONDS: '1' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  /** Sends `head` and then nothing more; resolves with what the server answered once it closed the socket. */
  const stall = async (head: string) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    let answer = ''
    socket.on('data', (chunk) => {
      answer += String(chunk)
    })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write(head)
    const outcome = await Promise.race([
      new Promise<string>((resolve) => socket.once('close', () => resolve('closed'))),
      new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000).unref()),
    ])
    socket.destroy()
    return { outcome, status: /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] }
  }
  t.equal(
    (await stall('POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nA'))
      .outcome,
    'closed',
    'a body that never ends is closed (1 s timeout; the test allows 10 s)',
  )
  t.equal((await stall('GET /verify HTTP/1.1\r\nHost: x\r\n')).outcome, 'closed', 'headers that never end are closed')
  t.same(
    await stall('POST /sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nA'),
    { outcome: 'closed', status: '400' },
    'an unsigned webhook: refused and closed without waiting for its body',
  )
})

t.test('finding 6: a session cookie planted before verification gives nobody the new phone', async (t) => {
  const test = await buildTestApp(t)
  const sender = test.sender as RecordingSender
  const attacker = browser(test.app)
  await attacker.get('/verify')
  await attacker.post('/verify', { phone: '6175550199' })
  await attacker.post('/verify/code', { phone: '+16175550199', code: codeOf(sender) })
  const planted = attacker.cookies.get('smsbot_session') as string
  t.equal((await attacker.get('/me')).statusCode, 200)

  const victim = browser(test.app)
  victim.cookies.set('smsbot_session', planted)
  await victim.get('/verify')
  await victim.post('/verify', { phone: VICTIM })
  const right = await victim.post('/verify/code', { phone: VICTIM, code: codeOf(sender) })
  t.equal(right.statusCode, 200)
  t.not(victim.cookies.get('smsbot_session'), planted, 'a fresh session id at verification')
  t.not(
    right.cookies.find((c) => c.name === '_csrf'),
    undefined,
    'the CSRF secret is replaced too',
  )
  const seen = await attacker.get('/me')
  t.equal(seen.statusCode, 303, "the attacker's session no longer opens the profile that now holds the victim's phone")
})

t.test('findings 7 and 8: Secure cookies follow the effective protocol behind a trusted proxy', async (t) => {
  const { app } = await buildTestApp(t, { env: { TRUST_PROXY: 'true' } })
  const viaHttps = await app.inject({ method: 'GET', url: '/verify', headers: { 'x-forwarded-proto': 'https' } })
  t.equal(viaHttps.cookies.find((c) => c.name === '_csrf')?.secure, true)
  const plain = await app.inject({ method: 'GET', url: '/verify' })
  t.notOk(plain.cookies.find((c) => c.name === '_csrf')?.secure)
})

t.test('finding 12: subscriptions to closed topics do not count toward MAX_SUBSCRIPTIONS', async (t) => {
  const { app, db, clock } = await buildTestApp(t, { env: { MAX_SUBSCRIPTIONS: '2' } })
  for (const key of ['A1', 'A2', 'A3']) await saveTopic(db, key, key, clock.now())
  await text(app, 'SUB A1')
  await text(app, 'SUB A2')
  t.match(await text(app, 'SUB A3'), /^You already follow 2 topics/)
  await closeTopic(db, 'A1', clock.now())
  t.match(await text(app, 'LIST'), /^You follow: A2\./)
  t.match(await text(app, 'SUB A3'), /^Subscribed to A3/, 'the closed topic left room')
})

t.test('webhook signatures: both URL forms Twilio may sign, and nothing else', async (t) => {
  const { app } = await buildTestApp(t, { env: { PUBLIC_URL: 'https://abc123.ngrok-free.app' } })
  const params = inbound('H')
  for (const [signedUrl, expected] of [
    ['https://abc123.ngrok-free.app/sms', 200],
    ['https://abc123.ngrok-free.app:443/sms', 200],
    ['https://abc123.ngrok-free.app:8443/sms', 403],
    ['https://other.example/sms', 403],
  ] as const) {
    const response = await app.inject({
      method: 'POST',
      url: '/sms',
      headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, signedUrl, params) },
      payload: new URLSearchParams(params).toString(),
    })
    t.equal(response.statusCode, expected, signedUrl)
    if (expected === 200) t.match(messagesOf(response.body)[0], /^SUB <topic> to follow/)
  }
})
