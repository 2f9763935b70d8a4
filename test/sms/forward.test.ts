// Forwarding (SPEC §9) against a local receiver: signed JSON, the reply used, timeouts and failures, once per MessageSid.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { createConfig } from '../../src/config.js'
import { forwardMessage, forwardSignature } from '../../src/sms/forward.js'
import { messagesOf } from '../../src/twilio/simulate.js'
import { saveKeyword } from '../../src/keywords/queries.js'
import { answerSms } from '../../src/sms/answer.js'
import { buildTestApp, DATABASES, inbound, postSigned, testClock, testDbOf, text, type TapT } from '../helpers.js'

const SECRET = 'forward-secret-0123456789abcdef'
const PHONE = '+16175550123'

interface Received {
  headers: IncomingMessage['headers']
  raw: string
}

/** A receiver on a free port that records each request and answers with `answer`. */
async function receiver(t: TapT, answer: (request: Received, response: ServerResponse) => void | Promise<void>) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const request = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') }
      received.push(request)
      void answer(request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received }
}

const json =
  (body: unknown, status = 200) =>
  (_: Received, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

async function forwardingApp(t: TapT, url: string, env: Record<string, string> = {}, database: 'sqlite' | 'postgres' = 'sqlite') {
  return buildTestApp(t, { database, env: { FORWARD_URL: url, FORWARD_SECRET: SECRET, ...env } })
}

/** What a receiver does to check a forward: the README's 15 lines, in short. */
function verified(request: Received): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(request.raw).digest('hex')}`
  const given = String(request.headers['x-smsbot-signature'] ?? '')
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}

for (const database of DATABASES) {
  t.test(
    `${database}: an unmatched message is POSTed as signed JSON and the service's reply is the SMS reply; a retry is not forwarded again`,
    async (t) => {
      const hook = await receiver(t, json({ reply: 'Our office opens at 9. — the team' }))
      const { app, db, clock } = await forwardingApp(t, hook.url, {}, database)
      const params = inbound('When are you open?', { From: PHONE, To: '+15005550006' })
      const response = await postSigned(app, params)
      t.equal(messagesOf(response.body)[0], 'Our office opens at 9. — the team')
      t.equal(hook.received.length, 1)
      const [request] = hook.received as [Received]
      t.ok(verified(request), 'the signature checks out with FORWARD_SECRET')
      t.equal(request.headers['content-type'], 'application/json')
      t.equal(request.headers['x-smsbot-timestamp'], String(clock.now().getTime() / 1000))
      t.same(JSON.parse(request.raw), {
        messageSid: params.MessageSid,
        from: PHONE,
        to: '+15005550006',
        body: 'When are you open?',
        numMedia: 0,
        receivedAt: clock.now().toISOString(),
      })
      t.equal(messagesOf((await postSigned(app, params)).body)[0], 'Our office opens at 9. — the team', 'the retry gets the stored reply')
      t.equal(hook.received.length, 1, 'and is not forwarded again')
      t.same(
        await db
          .selectFrom('inbound_messages')
          .select(['command', 'reply'])
          .where('message_sid', '=', params.MessageSid as string)
          .execute(),
        [{ command: 'forward', reply: 'Our office opens at 9. — the team' }],
      )
    },
  )

  t.test(`${database}: retries arriving while the forward is under way wait for its reply; one forward`, async (t) => {
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const hook = await receiver(t, async (request, res) => {
      await held
      json({ reply: 'slow but sure' })(request, res)
    })
    const { app, clock } = await forwardingApp(t, hook.url, {}, database)
    const params = inbound('anything at all', { From: PHONE })
    const all = Promise.all(Array.from({ length: 5 }, () => postSigned(app, params)))
    // The four retries poll while the first request's forward is held; it answers once released.
    await until(() => clock.sleepers() === 4)
    await clock.tick(500)
    release()
    const replies = (await clock.runUntil(all, 50)).map((r) => messagesOf(r.body)[0])
    t.same(
      replies,
      Array.from({ length: 5 }, () => 'slow but sure'),
      'five identical replies',
    )
    t.equal(hook.received.length, 1, 'one forward')
  })
}

t.test('commands, menu numbers and operator keywords are answered here, never forwarded', async (t) => {
  const hook = await receiver(t, json({ reply: 'from the service' }))
  const { app, db, clock } = await forwardingApp(t, hook.url)
  await saveKeyword(db, 'HOURS', 'Open 9 to 5.', clock.now())
  t.match(await text(app, 'H'), /^SUB <topic>/)
  t.equal(await text(app, 'hours?'), 'Open 9 to 5.')
  t.equal(await text(app, 'STOP'), '')
  t.equal(hook.received.length, 0)
  t.equal(await text(app, '4'), 'from the service', 'a number outside a conversation matches nothing: forwarded')
  t.equal(await text(app, 'lsit'), 'from the service', 'so is a typo')
  t.equal(hook.received.length, 2)
})

t.test('an empty reply is an empty TwiML answer', async (t) => {
  const hook = await receiver(t, json({ reply: '' }))
  const { app } = await forwardingApp(t, hook.url)
  const response = await postSigned(app, inbound('no answer needed'))
  t.equal(response.body, '<?xml version="1.0" encoding="UTF-8"?><Response/>')
})

t.test('failures: the usual reply (with the typo suggestion), a logged warning, never a 5xx', async (t) => {
  const cases: Array<[string, (request: Received, response: ServerResponse) => void, RegExp]> = [
    ['500', json({ reply: 'never used' }, 500), /the service answered 500/],
    ['bad JSON', json('{"reply": "unterminated'), /not JSON/],
    ['no reply field', json({ text: 'hello' }), /no "reply" string/],
    ['a reply that is not a string', json({ reply: 42 }), /no "reply" string/],
    ['JSON null', json('null'), /no "reply" string/],
    ['a reply over 1600 characters', json({ reply: 'x'.repeat(1601) }), /1601 characters; the most is 1600/],
    ['an answer over 64 KB', json({ reply: 'x', pad: 'y'.repeat(70_000) }), /over 65536 bytes/],
    ['a redirect', (_req, res) => void res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end(), /could not reach/],
  ]
  for (const [name, answer, logged] of cases) {
    const hook = await receiver(t, answer)
    const { app, lines } = await forwardingApp(t, hook.url)
    const response = await postSigned(app, inbound('lsit'))
    t.equal(response.statusCode, 200, name)
    t.equal(
      messagesOf(response.body)[0],
      "Sorry, I didn't understand that. Did you mean LIST? Text H for help.",
      `${name}: the usual reply`,
    )
    const warning = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string; from?: string })
      .find((l) => l.msg.startsWith('forward failed'))
    t.match(warning, { level: 40, reason: logged, from: '+1******0123' }, `${name}: logged`)
    for (const line of lines) t.notMatch(line, /6175550123/, 'no full phone number in the log')
  }
})

t.test('a slow service: the usual reply as FORWARD_TIMEOUT_MS runs out, never a wait past it', async (t) => {
  const hook = await receiver(t, () => {}) // never answers
  const { app, lines } = await forwardingApp(t, hook.url, { FORWARD_TIMEOUT_MS: '300' })
  const started = performance.now()
  const params = inbound('pizza?')
  t.equal(messagesOf((await postSigned(app, params)).body)[0], "Sorry, I didn't understand that. Text H for help.")
  const elapsed = performance.now() - started
  t.ok(elapsed >= 290 && elapsed < 2000, `answered after ${Math.round(elapsed)} ms`)
  t.ok(
    lines.some((l) => /no answer within 300 ms/.test(l)),
    'the timeout is logged',
  )
  t.equal(
    messagesOf((await postSigned(app, params)).body)[0],
    "Sorry, I didn't understand that. Text H for help.",
    'a retry gets the same reply',
  )
  t.equal(hook.received.length, 1, 'and no second forward')
})

t.test('a service that is down: the usual reply at once', async (t) => {
  // A port nothing listens on: one a server had a moment ago.
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const { app, lines } = await forwardingApp(t, `http://127.0.0.1:${port}/hook`)
  t.match(await text(app, 'pizza'), /didn't understand/)
  t.ok(lines.some((l) => /could not reach the service \(ECONNREFUSED\)/.test(l)))
})

t.test('a retry of a forward whose request died waits, then records the usual reply for every later retry', async (t) => {
  const hook = await receiver(t, json({ reply: 'never asked' }))
  const { app, db, clock } = await forwardingApp(t, hook.url, { FORWARD_TIMEOUT_MS: '100' })
  const params = inbound('pizza', { From: PHONE })
  // The first request claimed the sid and died before its forward came back.
  await db
    .insertInto('inbound_messages')
    .values({
      message_sid: params.MessageSid as string,
      phone: PHONE,
      command: 'forwarding',
      reply: '',
      received_at: clock.now().toISOString(),
    })
    .execute()
  const started = clock.now().getTime()
  const reply = text(app, 'pizza', { MessageSid: params.MessageSid as string })
  await until(() => clock.sleepers() === 1)
  await clock.tick(1050)
  t.equal(clock.sleepers(), 1, 'still waiting short of the timeout and a second')
  t.match(await clock.runUntil(reply, 50), /didn't understand/)
  t.ok(clock.now().getTime() - started >= 1100, 'it waited the timeout and a second')
  t.same(await db.selectFrom('inbound_messages').select(['command', 'reply']).execute(), [
    { command: 'forward', reply: "Sorry, I didn't understand that. Text H for help." },
  ])
  t.equal(hook.received.length, 0)
})

t.test("a first request whose forward outlived a retry's wait answers what the retry recorded: every reply the same", async (t) => {
  const { db } = await testDbOf(t, 'sqlite')
  t.teardown(() => db.destroy())
  const clock = testClock()
  let forwards = 0
  // A forwarder slower than its own timeout and the retry's extra second (it cannot happen with forwardMessage).
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  const forward = { timeoutMs: 100, send: async () => (forwards++, await held, { ok: true as const, reply: 'too late' }) }
  const context = {
    db,
    clock,
    forward,
    maxSubscriptions: 20,
    signupUrl: () => '',
    signupMinutes: 15,
    conversationMinutes: 10,
    program: { name: 'smsbot', contact: undefined },
    quietHours: undefined,
  }
  const sms = { messageSid: 'SM0123', from: PHONE, to: '', body: 'pizza', numMedia: 0 }
  const first = answerSms(context, sms)
  await new Promise((resolve) => setTimeout(resolve, 100))
  const retry = await clock.runUntil(answerSms(context, sms), 50)
  t.same(retry, { command: 'repeat', reply: "Sorry, I didn't understand that. Text H for help." })
  release()
  t.same(
    await first,
    { command: 'forward', reply: "Sorry, I didn't understand that. Text H for help." },
    'the first request answers the recorded reply, not its late one',
  )
  t.equal(forwards, 1)
})

/** Waits (really, a few ms at a time) until a condition about the app's waits holds. */
async function until(condition: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

t.test('forwardMessage itself: the signature, and a 2xx answer without a body', async (t) => {
  t.equal(forwardSignature('k', '{}'), `sha256=${createHmac('sha256', 'k').update('{}').digest('hex')}`)
  const fakeFetch = (async () => new Response(null, { status: 204 })) as typeof fetch
  const message = { messageSid: 'SM1', from: PHONE, to: '', body: 'x', numMedia: 0, receivedAt: '' }
  t.same(
    await forwardMessage({ url: new URL('http://x.test'), secret: SECRET, timeoutMs: 100 }, message, new Date(), fakeFetch),
    { ok: false, reason: 'the answer is not JSON' },
    'no body',
  )
})

t.test("FORWARD_URL needs FORWARD_SECRET; FORWARD_TIMEOUT_MS is bounded by Twilio's 15 s", async (t) => {
  t.throws(() => createConfig({ FORWARD_URL: 'https://hooks.example.org/sms' }), /FORWARD_SECRET is required with FORWARD_URL/)
  t.throws(
    () => createConfig({ FORWARD_URL: 'https://hooks.example.org/sms', FORWARD_SECRET: 'short' }),
    /FORWARD_SECRET is required with FORWARD_URL, at least 16/,
  )
  t.throws(() => createConfig({ FORWARD_TIMEOUT_MS: '20000' }), /FORWARD_TIMEOUT_MS must be a whole number from 100 to 12000/)
  t.throws(() => createConfig({ FORWARD_URL: 'ftp://x' }), /FORWARD_URL must be an http\(s\) URL/)
  const config = createConfig({ FORWARD_URL: 'https://hooks.example.org/sms', FORWARD_SECRET: SECRET })
  t.same(config.forward, { url: new URL('https://hooks.example.org/sms'), secret: SECRET, timeoutMs: 5000 })
  t.equal(createConfig({}).forward, undefined)
  t.equal(createConfig({}).conversationMinutes, 10)
})
