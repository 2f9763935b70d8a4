// POST /sms through inject: every command against a real SQLite file, signatures, retries, fuzz.
import { XMLValidator } from 'fast-xml-parser'
import t from 'tap'
import { readLinkToken } from '../../src/verify/links.js'
import twilio from 'twilio'
import { saveTopic } from '../../src/topics/queries.js'
import { messagesOf } from '../../src/twilio/simulate.js'
import { AUTH_TOKEN, buildTestApp, type TapT, fixture, inbound, postSigned, text } from '../helpers.js'

const PHONE = '+16175550123'

async function withTopics(t: TapT, env: Record<string, string> = {}) {
  const test = await buildTestApp(t, { env })
  const now = test.clock.now()
  await saveTopic(test.db, 'CS2500-01', 'Fundamentals of Computer Science 1', now)
  await saveTopic(test.db, 'CS2510-02', 'Fundamentals of Computer Science 2', now)
  await saveTopic(test.db, 'MATH1341', 'Calculus 1', now)
  return test
}

t.test('H and ? answer the command list as TwiML; HELP and INFO the program identity', async (t) => {
  const { app } = await withTopics(t)
  const response = await postSigned(app, inbound('H'))
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/xml/)
  t.equal(
    response.body,
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>' +
      'SUB &lt;topic&gt; to follow, UNSUB &lt;topic&gt; or ALL to stop, LIST yours, TOPICS to browse, S for the web, ' +
      'QUIET 22-7 or OFF, LANG ES: español. STOP to opt out.</Message></Response>',
  )
  for (const alias of ['?', '  h  ', 'h.']) t.match(await text(app, alias), /^SUB <topic> to follow/, alias)
  for (const word of ['HELP', 'help', 'Info.'])
    t.equal(await text(app, word), 'smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.', word)
})

t.test('S and SIGNUP answer a one-time sign-in link for the phone that texted; a retry gets the same link', async (t) => {
  const { app, config, clock } = await withTopics(t)
  const params = inbound('S')
  const reply = messagesOf((await postSigned(app, params)).body)[0] ?? ''
  const match = /^Tap to verify this phone \(works once, for 15 min\): http:\/\/smsbot\.test\/verify\/link\?t=(\S+)$/.exec(reply)
  t.ok(match, reply)
  const read = readLinkToken(config.sessionSecret, match?.[1] ?? '', clock.now())
  t.match(
    read,
    { ok: true, link: { phone: '+16175550123', expiresAt: new Date(clock.now().getTime() + 900_000) } },
    'signed for this phone, 15 minutes',
  )
  t.equal(messagesOf((await postSigned(app, params)).body)[0], reply, 'a retried S gets the stored reply')
  t.not(await text(app, 'S'), reply, 'a new S gets a new link')
  const withPublicUrl = await buildTestApp(t, { env: { PUBLIC_URL: 'https://abc123.ngrok-free.app' } })
  const response = await postSigned(withPublicUrl.app, inbound('signup'), { signedUrl: 'https://abc123.ngrok-free.app/sms' })
  t.match(response.body, /https:\/\/abc123\.ngrok-free\.app\/verify\/link\?t=16175550123\./)
  t.equal(
    await text(app, 'S', { From: 'whatsapp:+16175550123' }),
    'Tap to verify this phone (works once, for 15 min): http://smsbot.test/verify',
    'a From that is not a number gets the plain form',
  )
})

t.test('SUB, LIST, UNSUB and UNSUB ALL work against the database', async (t) => {
  const { app, db } = await withTopics(t)
  t.equal(
    await text(app, 'sub cs2500-01'),
    'Subscribed to CS2500-01 (Fundamentals of Computer Science 1). ' +
      'smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.',
    'the first subscription ever: the program identity and how to stop',
  )
  t.equal(await text(app, 'SUBSCRIBE CS2500-01'), 'You already follow CS2500-01. Text LIST to see your topics.')
  t.equal(await text(app, 'SUB math1341!'), 'Subscribed to MATH1341 (Calculus 1). Text UNSUB MATH1341 to stop.')
  t.equal(await text(app, 'L'), 'You follow: CS2500-01, MATH1341. Text UNSUB <topic> to stop one.')
  t.equal(
    await text(app, 'LIST', { From: '+16175550199' }),
    'You follow no topics yet. Text TOPICS to see them, then SUB <topic>.',
    'another phone has none',
  )
  t.equal(await text(app, 'UNSUB MATH1341'), 'Unsubscribed from MATH1341. Text LIST to see your other topics.')
  t.equal(await text(app, 'UNSUB MATH1341'), 'You were not subscribed to MATH1341. Text LIST to see your topics.')
  t.equal(await text(app, 'unsub ALL'), 'Unsubscribed from your only topic.')
  t.equal(await text(app, 'UNSUB ALL'), 'You had no subscriptions. Text TOPICS to see what you can follow.')
  const rows = await db.selectFrom('subscriptions').selectAll().execute()
  t.same(rows, [], 'no subscription left')
})

t.test('SUB of an unknown, malformed or missing topic says so and suggests TOPICS', async (t) => {
  const { app } = await withTopics(t)
  t.equal(await text(app, 'SUB CS9999'), 'There is no open topic "CS9999". Text TOPICS to see the open ones.')
  t.equal(await text(app, 'SUB <script>'), 'Topic names are letters, digits, - _ and . like CS2500-01. Text TOPICS to see the open ones.')
  t.match(await text(app, 'SUB'), /^Topics: 1 CS2500-01 /, 'SUB alone answers the numbered menu')
  t.match(await text(app, 'UNSUB'), /^Which topic\?/)
  t.match(await text(app, 'UNSUB what is this'), /^Topic names are letters/)
  t.equal(await text(app, 'UNSUB CS2500-01'), 'You were not subscribed to CS2500-01. Text LIST to see your topics.')
})

t.test('MAX_SUBSCRIPTIONS is enforced with a clear reply', async (t) => {
  const { app } = await withTopics(t, { MAX_SUBSCRIPTIONS: '2' })
  await text(app, 'SUB CS2500-01')
  await text(app, 'SUB CS2510-02')
  t.equal(await text(app, 'SUB MATH1341'), 'You already follow 2 topics, the most allowed. Text UNSUB <topic> to make room.')
  t.match(await text(app, 'SUB CS2500-01'), /already follow CS2500-01/, 'an existing subscription is still recognised')
})

t.test('TOPICS and T list the open topics, first few, with a hint when there are more', async (t) => {
  const { app, db, clock } = await withTopics(t)
  t.equal(
    await text(app, 'T'),
    'Topics: 1 CS2500-01 (Fundamentals of C...), 2 CS2510-02 (Fundamentals of C...), 3 MATH1341 (Calculus 1). Reply 1-3 to follow.',
  )
  for (let i = 0; i < 5; i++) await saveTopic(db, `PHYS${1150 + i}`, 'Physics', clock.now())
  t.match(await text(app, 'topics'), /Reply 1-\d to follow, MORE for \d more\.$/)
  const empty = await buildTestApp(t)
  t.equal(await text(empty.app, 'TOPICS'), 'There are no open topics yet. Check back soon.')
})

t.test('a closed topic cannot be joined and is not listed', async (t) => {
  const { app, db } = await withTopics(t)
  await db.updateTable('topics').set({ closed_at: '2026-11-23T12:00:00.000Z' }).where('key', '=', 'MATH1341').execute()
  t.match(await text(app, 'SUB MATH1341'), /no open topic/)
  t.notMatch(await text(app, 'T'), /MATH1341/)
})

t.test('opt-out keywords answer empty TwiML, keep subscriptions, and opt-in clears them', async (t) => {
  const { app, db } = await withTopics(t)
  await text(app, 'SUB CS2500-01')
  const response = await postSigned(app, inbound('Stop'))
  t.equal(response.statusCode, 200)
  t.equal(response.body, '<?xml version="1.0" encoding="UTF-8"?><Response/>')
  let phone = await db.selectFrom('phones').selectAll().where('phone', '=', PHONE).executeTakeFirstOrThrow()
  t.equal(phone.opted_out_at, '2026-11-23T12:00:00.000Z')
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1, 'subscriptions are kept')
  t.match(await text(app, 'SUB MATH1341'), /You opted out earlier: text START/)
  t.equal(await text(app, 'unstop'), '')
  phone = await db.selectFrom('phones').selectAll().where('phone', '=', PHONE).executeTakeFirstOrThrow()
  t.equal(phone.opted_out_at, null)
  for (const word of ['STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'STOP']) {
    t.equal(await text(app, word), '', word)
    const row = await db.selectFrom('phones').select('opted_out_at').where('phone', '=', PHONE).executeTakeFirstOrThrow()
    t.not(row.opted_out_at, null, `${word} opts out`)
    t.equal(await text(app, 'START'), '')
  }
  t.equal(await text(app, 'yes'), '', 'YES opts in')
})

t.test('unknown, empty, emoji-only and media messages get a helpful reply', async (t) => {
  const { app } = await withTopics(t)
  t.equal(await text(app, 'lsit'), "Sorry, I didn't understand that. Did you mean LIST? Text H for help.")
  t.equal(await text(app, 'what is the weather'), "Sorry, I didn't understand that. Text H for help.")
  t.equal(await text(app, ''), 'Your message was empty. Text H for help.')
  t.equal(await text(app, '🎉🙏'), 'I only understand text commands, like SUB CS2500-01. Text H for help.')
  const mms = fixture('inbound-mms.json')
  const response = await postSigned(app, mms)
  // The apostrophe stays as it is: TwiML escapes only &, < and > (as Twilio's own builder does).
  t.equal(
    response.body,
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>' +
      "I can't open pictures or attachments, only text commands. Text H for help.</Message></Response>",
  )
  t.match(
    await text(app, 'H', { NumMedia: '1', MediaUrl0: mms.MediaUrl0 as string }),
    /^SUB <topic> to follow/,
    'a command with a picture is answered',
  )
})

t.test('a repeated MessageSid gets the same reply and changes nothing', async (t) => {
  const { app, db } = await withTopics(t)
  const params = inbound('SUB CS2500-01')
  const first = await postSigned(app, params)
  await text(app, 'UNSUB ALL')
  const retry = await postSigned(app, params)
  t.equal(retry.statusCode, 200)
  t.equal(retry.body, first.body, 'the stored reply')
  t.same(await db.selectFrom('subscriptions').selectAll().execute(), [], 'the retry did not subscribe again')
  const rows = await db
    .selectFrom('inbound_messages')
    .selectAll()
    .where('message_sid', '=', params.MessageSid as string)
    .execute()
  t.equal(rows.length, 1)
})

t.test('signatures: unsigned 400, forged or tampered or wrong URL 403, nothing stored', async (t) => {
  const { app, db } = await withTopics(t)
  const params = inbound('SUB CS2500-01')
  const body = new URLSearchParams(params).toString()
  const headers = { host: 'smsbot.test', 'content-type': 'application/x-www-form-urlencoded' }

  const unsigned = await app.inject({ method: 'POST', url: '/sms', headers, payload: body })
  t.equal(unsigned.statusCode, 400)
  t.match(unsigned.json(), { error: 'missing_signature' })

  const forged = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...headers, 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' },
    payload: body,
  })
  t.equal(forged.statusCode, 403)
  t.match(forged.json(), { error: 'invalid_signature' })

  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'http://smsbot.test/sms', params)
  const tampered = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { ...headers, 'x-twilio-signature': signature },
    payload: new URLSearchParams({ ...params, Body: 'UNSUB ALL' }).toString(),
  })
  t.equal(tampered.statusCode, 403, 'one parameter changed')

  const wrongToken = await postSigned(app, params, { token: 'another-token-0123456789abcdef' })
  t.equal(wrongToken.statusCode, 403, 'signed with another auth token')
  const wrongUrl = await postSigned(app, params, { signedUrl: 'https://elsewhere.example.com/sms' })
  t.equal(wrongUrl.statusCode, 403, 'signed for another URL')
  const withQuery = await postSigned(app, params, { path: '/sms?source=x', signedUrl: 'http://smsbot.test/sms' })
  t.equal(withQuery.statusCode, 403, 'the query string is part of the signed URL')

  t.same(await db.selectFrom('inbound_messages').selectAll().execute(), [], 'no message stored')
  t.same(await db.selectFrom('phones').selectAll().execute(), [], 'no phone stored')
  t.same(await db.selectFrom('subscriptions').selectAll().execute(), [], 'no subscription stored')

  const good = await postSigned(app, params, { path: '/sms?source=x', signedUrl: 'http://smsbot.test/sms?source=x' })
  t.equal(good.statusCode, 200, 'the same request correctly signed is accepted')
})

t.test('behind ngrok: accepted with TRUST_PROXY or PUBLIC_URL, refused without', async (t) => {
  const signedUrl = 'https://abc123.ngrok-free.app/sms'
  const proxied = { host: 'abc123.ngrok-free.app', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }
  const send = (app: Awaited<ReturnType<typeof buildTestApp>>['app']) => postSigned(app, inbound('H'), { signedUrl, headers: proxied })

  const plain = await buildTestApp(t)
  t.equal((await send(plain.app)).statusCode, 403, 'without TRUST_PROXY the request looks like http and is refused')

  const trusting = await buildTestApp(t, { env: { TRUST_PROXY: 'true' } })
  t.equal((await send(trusting.app)).statusCode, 200, 'TRUST_PROXY=true honours X-Forwarded-Proto')

  const forwardedHost = await postSigned(trusting.app, inbound('H'), {
    signedUrl,
    headers: {
      host: '127.0.0.1:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'abc123.ngrok-free.app',
      'x-forwarded-for': '203.0.113.9',
    },
  })
  t.equal(forwardedHost.statusCode, 200, 'TRUST_PROXY=true honours X-Forwarded-Host')

  const publicUrl = await buildTestApp(t, { env: { PUBLIC_URL: 'https://abc123.ngrok-free.app' } })
  t.equal((await send(publicUrl.app)).statusCode, 200, 'PUBLIC_URL decides the URL')
  const direct = await postSigned(publicUrl.app, inbound('H'), { signedUrl: 'http://smsbot.test/sms' })
  t.equal(direct.statusCode, 403, 'with PUBLIC_URL set, a signature for the local URL is refused')
})

t.test('a signed request missing required parameters is a 400 with a reason', async (t) => {
  const { app } = await withTopics(t)
  const response = await postSigned(app, { Body: 'H', From: PHONE })
  t.equal(response.statusCode, 400)
  t.match(response.json<{ message: string }>().message, /MessageSid/)
})

t.test('an internal failure still answers valid TwiML and is logged', async (t) => {
  const { app, db, lines } = await withTopics(t)
  await db.schema.dropTable('inbound_messages').execute()
  const response = await postSigned(app, inbound('LIST'))
  t.equal(response.statusCode, 200)
  t.equal(
    response.body,
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Something went wrong — please try again.</Message></Response>',
  )
  const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; from?: string })
  t.ok(
    logged.some((l) => l.level === 50 && /sms failed/.test(l.msg) && l.from === '+1******0123'),
    'an error line with the masked phone',
  )
})

t.test('stateless commands are answered without the database, and a retry gets the same reply', async (t) => {
  const { app, db } = await withTopics(t)
  const help = inbound('H')
  const first = await postSigned(app, help)
  t.match(messagesOf(first.body)[0], /^SUB <topic> to follow/)
  t.equal((await postSigned(app, help)).body, first.body, 'the retry gets the same reply')
  t.same(await db.selectFrom('inbound_messages').selectAll().execute(), [], 'nothing was recorded')
  t.same(await db.selectFrom('phones').selectAll().execute(), [], 'nothing was changed')
  await db.schema.dropTable('inbound_messages').execute()
  t.equal((await postSigned(app, inbound('H'))).body, first.body, 'H does not even need the database')
})

t.test('no log line holds a full phone number', async (t) => {
  const { app, lines } = await withTopics(t)
  await text(app, 'SUB CS2500-01')
  await text(app, 'S')
  await text(app, 'STOP')
  t.ok(lines.length > 0)
  for (const line of lines) t.notMatch(line, /6175550123/)
})

t.test('fuzz: random unicode bodies never get a 5xx and always get well-formed TwiML', async (t) => {
  const { app } = await withTopics(t)
  let seed = 42
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  const alphabet = [
    'S',
    'U',
    'B',
    ' ',
    'H',
    '<',
    '>',
    '&',
    '"',
    "'",
    ']]>',
    '\u0000',
    '\u200b',
    '😀',
    'é',
    '中',
    '\ud800',
    '\n',
    '?',
    '.',
    'STOP',
  ]
  for (let i = 0; i < 300; i++) {
    let body = random() < 0.5 ? 'SUB ' : ''
    const length = Math.floor(random() * 30)
    for (let j = 0; j < length; j++) {
      body +=
        random() < 0.7 ? alphabet[Math.floor(random() * alphabet.length)] : String.fromCodePoint(Math.floor(random() * 0x10ffff) & 0xfffff)
    }
    const response = await postSigned(app, inbound(body))
    if (response.statusCode !== 200) t.fail(`status ${response.statusCode} for ${JSON.stringify(body)}`)
    if (XMLValidator.validate(response.body) !== true) t.fail(`malformed XML for ${JSON.stringify(body)}: ${response.body}`)
  }
  t.pass('300 random bodies answered with valid XML')
})
