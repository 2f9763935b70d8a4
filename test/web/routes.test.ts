// The verification pages and /me through inject: CSRF, every refusal message with input kept, session, toggles.
import t from 'tap'
import { SendError } from '../../src/sender/sender.js'
import { setLanguage, setOptedOut } from '../../src/phones/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, type RecordingSender, type TapT } from '../helpers.js'
import { Browser } from './client.js'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" }

/** What a reader sees of a page: tags dropped, entities decoded, white space collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] as string)
    .replace(/\s+/g, ' ')
}

async function setup(t: TapT, env: Record<string, string> = {}) {
  const test = await buildTestApp(t, { env })
  await saveTopic(test.db, 'CS2500-01', 'Fundamentals of CS 1', test.clock.now())
  await saveTopic(test.db, 'MATH1341', 'Calculus 1', test.clock.now())
  const sender = test.sender as RecordingSender
  const code = () => /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
  return { ...test, sender, browser: new Browser(test.app), code }
}

t.test('GET /verify: an accessible form, phone pre-filled, security headers', async (t) => {
  const { browser } = await setup(t)
  const response = await browser.get('/verify?phone=%2B16175550123')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/html/)
  t.match(response.body, /<title>Verify your phone · smsbot<\/title>/)
  t.match(response.body, /<label for="phone">Mobile number/)
  t.match(response.body, /id="phone" name="phone" value="\+16175550123"/)
  t.match(response.body, /type="tel" autocomplete="tel"/)
  t.match(response.body, /name="viewport"/)
  t.ok(browser.csrf.length > 10, 'a CSRF token is in the form')
  t.match(response.headers['content-security-policy'], /default-src 'self'/)
  t.equal(response.headers['x-content-type-options'], 'nosniff')
})

t.test('the whole flow: code sent, wrong code, right code, profile, toggles, logout', async (t) => {
  const { browser, sender, code, db } = await setup(t)
  await browser.get('/verify')
  const sent = await browser.post('/verify', { phone: '(617) 555-0123', name: 'Ada Lovelace' })
  t.equal(sent.statusCode, 200)
  t.match(sent.body, /We texted a code to \+1\*{6}0123/)
  t.match(sent.body, /autocomplete="one-time-code" inputmode="numeric"/)
  t.match(sent.body, /Send a new code/)
  t.equal(sender.sent[0]?.to, '+16175550123', 'national format read in DEFAULT_COUNTRY')
  t.match(sender.sent[0]?.body, /^Your smsbot code is \d{4}$/)

  const wrong = await browser.post('/verify/code', {
    phone: '+16175550123',
    name: 'Ada Lovelace',
    code: code() === '0000' ? '1111' : '0000',
  })
  t.equal(wrong.statusCode, 422)
  t.match(wrong.body, /That code is not right\. You have 4 tries left\./)
  t.match(wrong.body, /aria-invalid="true" aria-describedby="code-error" autofocus/, 'the error is tied to the field, which gets focus')

  const right = await browser.post('/verify/code', { phone: '+16175550123', name: 'Ada Lovelace', code: code() })
  t.equal(right.statusCode, 200)
  t.match(textOf(right.body), "You are now subscribed! Send 'H' for help on commands.")
  t.match(right.body, /href="\/me"/)
  const session = right.cookies.find((c) => c.name === 'smsbot_session')
  t.match(session, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 30 * 86_400 })
  t.notOk(session?.secure, 'not Secure on plain http')

  const me = await browser.get('/me')
  t.equal(me.statusCode, 200)
  t.match(me.body, /<dd>Ada Lovelace<\/dd>/)
  t.match(me.body, /<dd>\+1\*{6}0123<\/dd>/)
  t.match(me.body, /<dd>November 23, 2026<\/dd>/)
  t.match(me.body, /You follow no topics yet/)

  const follow = await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  t.equal(follow.statusCode, 303)
  t.equal(follow.headers.location, '/me')
  const rows = await db.selectFrom('subscriptions').selectAll().execute()
  t.match(rows, [{ phone: '+16175550123', topic_key: 'CS2500-01' }], 'the same rows the SMS commands use')
  t.match((await browser.get('/me')).body, /Stop following CS2500-01/)
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'unsubscribe' })
  t.same(await db.selectFrom('subscriptions').selectAll().execute(), [])

  const unknown = await browser.post('/me/subscriptions', { topic: 'NOPE', action: 'subscribe' })
  t.equal(unknown.statusCode, 422)
  t.match(unknown.body, /There is no open topic called NOPE\./)
  const blank = await browser.post('/me/subscriptions', { action: 'subscribe' })
  t.equal(blank.statusCode, 422, 'a form without a topic: refused on the page')
  t.match(blank.body, /There is no open topic called/)

  const out = await browser.post('/logout', {})
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/verify')
  const after = await browser.get('/me')
  t.equal(after.statusCode, 303, 'signed out: /me redirects to /verify')
  t.equal(after.headers.location, '/verify')
})

t.test('every state-changing form refuses a POST without a valid CSRF token', async (t) => {
  const { browser, sender, db } = await setup(t)
  await browser.get('/verify')
  for (const [url, form] of [
    ['/verify', { phone: '6175550123' }],
    ['/verify/code', { phone: '6175550123', code: '1234' }],
    ['/me/subscriptions', { topic: 'CS2500-01' }],
    ['/logout', {}],
  ] as const) {
    const response = await browser.post(url, form, false)
    t.equal(response.statusCode, 403, url)
    t.match(response.body, /This form expired or was sent from another page/, url)
  }
  const forged = await browser.post('/verify', { _csrf: 'forged-token', phone: '6175550123' }, false)
  t.equal(forged.statusCode, 403)
  t.equal(sender.sent.length, 0, 'no code was sent')
  t.same(await db.selectFrom('otp_events').selectAll().execute(), [])
})

t.test('refusals say what is wrong and keep the input', async (t) => {
  const { browser, sender } = await setup(t)
  await browser.get('/verify')
  const invalid = await browser.post('/verify', { phone: '12', name: 'Ada' })
  t.equal(invalid.statusCode, 422)
  t.match(invalid.body, /That does not look like a mobile number/)
  t.match(invalid.body, /value="12"/)
  t.match(invalid.body, /value="Ada"/)
  const country = await browser.post('/verify', { phone: '+44 7911 123456' })
  t.match(country.body, /We can only text numbers in US, CA\./)
  t.match(country.body, /value="\+44 7911 123456"/)
  const longName = await browser.post('/verify', { phone: '6175550123', name: 'x'.repeat(61) })
  t.match(longName.body, /Please keep your name under 60 characters/)
  const escaped = await browser.post('/verify', { phone: '<script>alert(1)</script>' })
  t.notMatch(escaped.body, /<script>alert/, 'input is escaped')
  t.match(escaped.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  t.equal(sender.sent.length, 0)

  await browser.post('/verify', { phone: '6175550123' })
  const cooldown = await browser.post('/verify', { phone: '+16175550123' })
  t.equal(cooldown.statusCode, 429)
  t.match(cooldown.body, /We just sent you a code\. Wait 30 seconds before asking for a new one\./)
  const badFormat = await browser.post('/verify/code', { phone: '+16175550123', code: '12ab' })
  t.match(badFormat.body, /Enter the 4-digit code from the text message\./)
  t.match(badFormat.body, /value="12ab"/)
})

t.test('expired, dead, locked and hourly refusals each have their own message', async (t) => {
  const { browser, clock, code } = await setup(t, { OTP_MAX_FAILURES_PER_DAY: '6' })
  await browser.get('/verify')
  await browser.post('/verify', { phone: '6175550123' })
  clock.advance(600_000)
  t.match((await browser.post('/verify/code', { phone: '+16175550123', code: code() })).body, /That code has expired\. Send a new one\./)
  await browser.post('/verify', { phone: '6175550123' })
  const wrong = code() === '0000' ? '1111' : '0000'
  for (let i = 0; i < 5; i++) await browser.post('/verify/code', { phone: '+16175550123', code: wrong })
  t.match(
    (await browser.post('/verify/code', { phone: '+16175550123', code: code() })).body,
    /Too many wrong tries for this code\. Send a new one\./,
  )
  // Guesses against the dead code were not counted: the sixth failure needs a live code.
  clock.advance(30_000)
  await browser.post('/verify', { phone: '6175550123' })
  const sixth = await browser.post('/verify/code', { phone: '+16175550123', code: code() === '0000' ? '1111' : '0000' })
  t.match(sixth.body, /That code is not right\. You have 4 tries left\./)
  const locked = await browser.post('/verify/code', { phone: '+16175550123', code: code() })
  t.equal(locked.statusCode, 429)
  t.match(
    locked.body,
    new RegExp(
      String.raw`Too many wrong codes for this number\. You can try again after Nov 24, 2026, 12:10 PM UTC, ` +
        String.raw`or text S from the phone for a sign-in link\.`,
    ),
  )
  t.match((await browser.post('/verify', { phone: '6175550123' })).body, /Too many wrong codes for this number/)
  t.match((await browser.post('/verify/code', { phone: '+16175550199', code: '1234' })).body, /There is no active code for this number/)
})

t.test('hourly limits per phone and per IP, and a failed send', async (t) => {
  const { browser, clock, sender } = await setup(t, { OTP_MAX_SENDS_PER_HOUR: '2', OTP_MAX_SENDS_PER_IP_PER_HOUR: '3' })
  await browser.get('/verify')
  await browser.post('/verify', { phone: '6175550123' })
  clock.advance(30_000)
  await browser.post('/verify', { phone: '6175550123' })
  clock.advance(30_000)
  t.match((await browser.post('/verify', { phone: '6175550123' })).body, /Too many codes were sent to this number in the last hour/)
  await browser.post('/verify', { phone: '6175550124' })
  t.match((await browser.post('/verify', { phone: '6175550125' })).body, /Too many codes were requested from your network/)
  clock.advance(3_600_000)
  sender.failNext(new SendError('down', true, 503))
  const failed = await browser.post('/verify', { phone: '6175550126' })
  t.equal(failed.statusCode, 502)
  t.match(failed.body, /We could not text that number just now/)
})

t.test('https PUBLIC_URL: Secure cookie and the WebOTP line', async (t) => {
  const { browser, sender, code } = await setup(t, { PUBLIC_URL: 'https://abc123.ngrok-free.app' })
  await browser.get('/verify')
  await browser.post('/verify', { phone: '6175550123' })
  t.match(sender.sent[0]?.body, /^Your smsbot code is (\d{4})\n\n@abc123\.ngrok-free\.app #\1$/)
  const right = await browser.post('/verify/code', { phone: '+16175550123', code: code() })
  t.match(
    right.cookies.find((c) => c.name === '__Host-smsbot_session'),
    { secure: true, path: '/', httpOnly: true },
    'a __Host- cookie on an https origin',
  )
})

t.test('a second verification while signed in keeps the profile; a forged session cookie is ignored', async (t) => {
  const { browser, code, db, app } = await setup(t)
  await browser.get('/verify')
  await browser.post('/verify', { phone: '6175550123', name: 'Ada' })
  await browser.post('/verify/code', { phone: '+16175550123', code: code() })
  const profile = browser.cookies.get('smsbot_session')
  await browser.get('/verify') // the sign-in started a new CSRF secret: a form from before it no longer works
  await browser.post('/verify', { phone: '6175550199' })
  await browser.post('/verify/code', { phone: '+16175550199', code: code() })
  const phones = await db.selectFrom('phones').select(['phone', 'profile_id']).where('profile_id', 'is not', null).execute()
  t.equal(phones.length, 1)
  t.equal(phones[0]?.phone, '+16175550199', 'the new phone replaced the old on the same profile')
  t.equal((await db.selectFrom('profiles').selectAll().execute()).length, 1)
  t.ok(profile)
  const forged = await app.inject({ method: 'GET', url: '/me', headers: { cookie: 'smsbot_session=someone-else.forgedsignature' } })
  t.equal(forged.statusCode, 303)
})

t.test('no log line holds a code or a full phone number', async (t) => {
  const { browser, code, lines } = await setup(t)
  await browser.get('/verify?phone=%2B16175550123')
  await browser.post('/verify', { phone: '6175550123' })
  const theCode = code()
  await browser.post('/verify/code', { phone: '+16175550123', code: theCode })
  const log = lines.join('\n')
  t.match(log, /verification code checked/)
  t.notMatch(log, /6175550123/)
  t.notMatch(log, new RegExp(`code is ${theCode}|"code":"${theCode}"`))
})

t.test('sessions live in the database: log-out revokes a copied cookie, sessions expire, a moved phone leaves', async (t) => {
  const { browser, code, app, clock } = await setup(t, { SESSION_DAYS: '2' })
  const signIn = async (b: Browser, phone: string) => {
    clock.advance(30_000) // past the resend cooldown
    await b.get('/verify')
    await b.post('/verify', { phone })
    const right = await b.post('/verify/code', { phone, code: code() })
    t.equal(right.statusCode, 200)
    return right.cookies.find((c) => c.name === 'smsbot_session')?.value as string
  }
  const me = (cookie: string) => app.inject({ method: 'GET', url: '/me', headers: { cookie: `smsbot_session=${cookie}` } })

  const copied = await signIn(browser, '+16175550123')
  t.equal((await me(copied)).statusCode, 200, 'the cookie works')
  await browser.get('/me')
  t.equal((await browser.post('/logout', {})).statusCode, 303)
  const afterLogout = await me(copied)
  t.equal(afterLogout.statusCode, 303, 'a copy taken before log-out is refused after it')
  t.equal(afterLogout.headers.location, '/verify')

  const second = await signIn(browser, '+16175550123')
  t.not(second, copied, 'a new session id each time')
  clock.advance(2 * 86_400_000 - 1)
  t.equal((await me(second)).statusCode, 200, 'still live a millisecond before it expires')
  clock.advance(1)
  t.equal((await me(second)).statusCode, 303, 'an expired session is refused')

  const third = await signIn(browser, '+16175550123')
  const other = new Browser(app)
  await signIn(other, '+16175550123')
  t.equal((await me(third)).statusCode, 303, 'the phone moved to another profile: the old profile cannot see it')
})

t.test('a premium-rate number is refused with a sentence saying why, and gets no code', async (t) => {
  const { browser, sender } = await setup(t)
  await browser.get('/verify')
  const refused = await browser.post('/verify', { phone: '+1 900 555 0198', name: 'Ada' })
  t.equal(refused.statusCode, 422)
  t.match(textOf(refused.body), 'We can only text mobile numbers; that looks like a premium-rate number.')
  t.match(refused.body, /value="\+1 900 555 0198"/, 'the input is kept')
  const tollFree = await browser.post('/verify', { phone: '(800) 555-0199' })
  t.match(textOf(tollFree.body), 'that looks like a toll-free number.')
  t.equal(sender.sent.length, 0, 'nothing was texted')
})

t.test('/me shows and changes quiet hours and time zone; each refusal is a sentence with the input kept', async (t) => {
  const { browser, code, db } = await setup(t)
  await browser.get('/verify')
  await browser.post('/verify', { phone: '+13105550123' })
  await browser.post('/verify/code', { phone: '+13105550123', code: code() })
  const me = textOf((await browser.get('/me')).body)
  t.match(me, 'Quiet hours 21:00–08:00 (the default).')
  t.match(me, 'Time zone America/Los_Angeles (from your number).')

  const refused = await browser.post('/me/settings', { quiet: '9pm to 7am', zone: 'Mars/Olympus' })
  t.equal(refused.statusCode, 422)
  t.match(textOf(refused.body), 'Write quiet hours as two hours of the 24-hour clock, such as 22-7, or OFF.')
  t.match(textOf(refused.body), 'We do not know that time zone. Try PACIFIC, or a name such as America/Los_Angeles.')
  t.match(refused.body, /id="quiet" name="quiet" value="9pm to 7am"/, 'what was typed is kept')
  t.match(refused.body, /id="zone" name="zone" value="Mars\/Olympus"/)
  t.same(
    await db.selectFrom('phones').select(['quiet_hours', 'time_zone']).execute(),
    [{ quiet_hours: null, time_zone: null }],
    'nothing saved when either is wrong',
  )

  const saved = await browser.post('/me/settings', { quiet: '22-7', zone: 'eastern' })
  t.equal(saved.statusCode, 303)
  t.equal(saved.headers.location, '/me?saved=1')
  const after = await browser.get('/me?saved=1')
  t.match(textOf(after.body), 'Saved.')
  t.match(textOf(after.body), 'Quiet hours 22:00–07:00, your own choice.')
  t.match(textOf(after.body), 'Time zone America/New_York, your own choice.')
  t.match(after.body, /id="quiet" name="quiet" value="22-7"/)
  t.same(await db.selectFrom('phones').select(['quiet_hours', 'time_zone']).execute(), [
    { quiet_hours: '22-7', time_zone: 'America/New_York' },
  ])

  await browser.post('/me/settings', { quiet: 'off', zone: '' })
  const off = textOf((await browser.get('/me')).body)
  t.match(off, 'Quiet hours Off: notifications come at any hour.')
  t.match(off, 'Time zone America/Los_Angeles (from your number).', "an empty zone goes back to the number's")
  await browser.post('/me/settings', { quiet: '', zone: '' })
  t.same(
    await db.selectFrom('phones').select(['quiet_hours', 'time_zone']).execute(),
    [{ quiet_hours: null, time_zone: null }],
    'empty: the defaults again',
  )

  // A form with one field left out (a page of an older version, a hand-made POST): the missing one reads as empty.
  const quietOnly = await browser.post('/me/settings', { quiet: 'sometimes' })
  t.equal(quietOnly.statusCode, 422)
  t.match(textOf(quietOnly.body), 'Write quiet hours as two hours of the 24-hour clock, such as 22-7, or OFF.')
  t.notMatch(textOf(quietOnly.body), 'We do not know that time zone.', 'only the wrong field is marked')
  const zoneOnly = await browser.post('/me/settings', { zone: 'Mars/Olympus' })
  t.equal(zoneOnly.statusCode, 422)
  t.match(textOf(zoneOnly.body), 'We do not know that time zone.')
  t.notMatch(textOf(zoneOnly.body), 'Write quiet hours as', 'only the wrong field is marked')
  t.same(
    await db.selectFrom('phones').select(['quiet_hours', 'time_zone']).execute(),
    [{ quiet_hours: null, time_zone: null }],
    'nothing saved',
  )

  t.equal((await browser.post('/me/settings', { quiet: '22-7' }, false)).statusCode, 403, 'the form carries a CSRF token')
  await browser.post('/logout', {})
  await browser.get('/verify')
  const signedOut = await browser.post('/me/settings', { quiet: '22-7' })
  t.equal(signedOut.headers.location, '/verify', 'signed out: back to /verify')
  const signedOutSubscription = await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  t.equal(signedOutSubscription.headers.location, '/verify', 'a subscription form after signing out: back to /verify')
  t.same(await db.selectFrom('subscriptions').selectAll().execute(), [], 'and nothing subscribed')
})

t.test('/me with QUIET_HOURS=off, a number in two zones and one the mapping cannot place', async (t) => {
  const { browser, code } = await setup(t, { QUIET_HOURS: 'off', DEFAULT_TIME_ZONE: 'America/Chicago' })
  await browser.get('/verify')
  await browser.post('/verify', { phone: '+12085550123' })
  await browser.post('/verify/code', { phone: '+12085550123', code: code() })
  const me = textOf((await browser.get('/me')).body)
  t.match(me, 'Quiet hours Off (the default here): notifications come at any hour.')
  t.match(me, "America/Boise and America/Los_Angeles (your number's area spans them")
  t.match(me, 'Leave it empty for the default (none).')
})

t.test("the web's consent changes are recorded: verification, follow and stop following", async (t) => {
  const { browser, code, db, clock } = await setup(t)
  await browser.get('/verify')
  await browser.post('/verify', { phone: '+16175550123' })
  await browser.post('/verify/code', { phone: '+16175550123', code: code() })
  await browser.get('/me')
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'unsubscribe' })
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'unsubscribe' })
  const at = clock.now().toISOString()
  t.same(
    await db.selectFrom('consent_records').select(['phone', 'at', 'action', 'source', 'topic_key', 'detail']).orderBy('id').execute(),
    [
      { phone: '+16175550123', at, action: 'verify', source: 'web', topic_key: null, detail: 'code' },
      { phone: '+16175550123', at, action: 'subscribe', source: 'web', topic_key: 'CS2500-01', detail: null },
      { phone: '+16175550123', at, action: 'unsubscribe', source: 'web', topic_key: 'CS2500-01', detail: null },
    ],
    'one record per change; a repeated follow or stop changes nothing and records nothing',
  )
})

t.test("a phone's first subscription on /me is confirmed by SMS once, with the program identity and how to stop", async (t) => {
  const { browser, code, sender, db, lines } = await setup(t, { PROGRAM_NAME: 'Seat Alerts', SUPPORT_CONTACT: 'help@example.edu' })
  const signIn = async (phone: string) => {
    await browser.get('/verify')
    await browser.post('/verify', { phone })
    await browser.post('/verify/code', { phone, code: code() })
    await browser.get('/me')
  }
  const textsTo = (phone: string) => sender.sent.filter((s) => s.to === phone && !/code is/.test(s.body)).map((s) => s.body)

  await signIn('+16175550123')
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  await browser.post('/me/subscriptions', { topic: 'MATH1341', action: 'subscribe' })
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'unsubscribe' })
  await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  t.same(
    textsTo('+16175550123'),
    [
      'Subscribed to CS2500-01 (Fundamentals of CS 1). Seat Alerts: alerts for the topics you follow. ' +
        'Help: help@example.edu. Msg&data rates may apply. Reply STOP to cancel.',
    ],
    'one confirmation, for the first subscription only',
  )

  // Opted out by text before: subscribed, but nothing is texted to a phone that said STOP.
  await setOptedOut(db, '+16175550124', true, new Date())
  await browser.post('/logout', {})
  await signIn('+16175550124')
  const followed = await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  t.equal(followed.statusCode, 303)
  t.same(textsTo('+16175550124'), [], 'no text to an opted-out phone')
  await setOptedOut(db, '+16175550124', false, new Date())
  await browser.post('/me/subscriptions', { topic: 'MATH1341', action: 'subscribe' })
  t.match(
    textsTo('+16175550124'),
    [/^Subscribed to MATH1341 \(Calculus 1\)\. Seat Alerts: /],
    'after START, its next subscription is confirmed',
  )

  // A send that fails leaves the subscription in place.
  await browser.post('/logout', {})
  await signIn('+16175550125')
  sender.failNext(new SendError('Twilio is down', true, 503))
  const despite = await browser.post('/me/subscriptions', { topic: 'CS2500-01', action: 'subscribe' })
  t.equal(despite.statusCode, 303, 'the page goes on')
  t.match(await db.selectFrom('subscriptions').selectAll().where('phone', '=', '+16175550125').execute(), [{ topic_key: 'CS2500-01' }])
  t.same(textsTo('+16175550125'), [], 'the confirmation failed')
  t.ok(
    lines.some(
      (line) =>
        line.includes('first-subscription confirmation not sent') && line.includes('+1******0125') && !line.includes('+16175550125'),
    ),
    'logged, the phone masked',
  )
  await browser.post('/me/subscriptions', { topic: 'MATH1341', action: 'subscribe' })
  t.match(
    textsTo('+16175550125'),
    [/^Subscribed to MATH1341 \(Calculus 1\)\. Seat Alerts: /],
    'the next subscription tries again, and is confirmed',
  )
  // In the phone's language.
  await browser.post('/logout', {})
  await signIn('+16175550126')
  await setLanguage(db, '+16175550126', 'es', new Date())
  await browser.get('/me')
  await browser.post('/me/subscriptions', { topic: 'MATH1341', action: 'subscribe' })
  t.match(textsTo('+16175550126'), [/^Ahora sigues MATH1341 \(Calculus 1\)\. Seat Alerts: /], 'Spanish for a phone that chose Spanish')
})
