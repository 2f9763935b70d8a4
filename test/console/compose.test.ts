// Compose through inject on SQLite and PostgreSQL: the counts as the server frames them, recipients and quiet hours, the
// confirmation step, publishing through the operator action, CSRF and refusals in sentences.
import { sql } from 'kysely'
import t from 'tap'
import { readTypedTime } from '../../src/console/compose-rules.js'
import { consoleSendCopy } from '../../src/copy/index.js'
import { framedSegments } from '../../src/notify/framing.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, DATABASES, testClock, text, type DatabaseKind, type RecordingSender, type TapT } from '../helpers.js'
import type { Browser } from '../web/client.js'
import { ADMIN_TOKEN, BEARER, OPERATOR, textOf } from './setup.js'
import { signIn } from './sign-in.js'

const KEY = 'CS2500-01'

// 2026-11-24 03:30 UTC: 22:30 in Boston (quiet under 21-8), 19:30 in San Francisco (not).
const EVENING = '2026-11-24T03:30:00.000Z'

async function setup(t: TapT, database: DatabaseKind = 'sqlite', start = EVENING) {
  const clock = testClock(start)
  const test = await buildTestApp(t, { database, clock, env: { OPERATOR_PHONES: OPERATOR, ADMIN_TOKEN, QUIET_HOURS: '21-8' } })
  const sender = test.sender as RecordingSender
  await saveTopic(test.db, KEY, 'Fundamentals of Computer Science 1', clock.now())
  return { ...test, sender, operator: () => signIn(test.app, sender, '(617) 555-0123') }
}

/** Subscribes phones by SMS, as texters do. */
async function subscribe(app: Parameters<typeof text>[0], phones: string[], key = KEY) {
  for (const phone of phones) await text(app, `SUB ${key}`, { From: phone })
}

/** The preview route as the page's script calls it: JSON, the CSRF token in a header. */
async function preview(browser: Browser, payload: Record<string, unknown>, token: string | null = browser.csrf) {
  const response = await browser.app.inject({
    method: 'POST',
    url: '/console/compose/preview',
    headers: {
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/json',
      ...(token === null ? {} : { 'x-csrf-token': token }),
    },
    payload: JSON.stringify(payload),
  })
  return { status: response.statusCode, body: response.json<Record<string, unknown>>(), type: response.headers['content-type'] }
}

const counts = (answer: Record<string, unknown>) => answer.counts as { characters: number; encoding: string; segments: number }

for (const database of DATABASES) {
  t.test(`${database}: the counts as one types are the server's framing: GSM-7, then UCS-2 with an emoji`, async (t) => {
    const { operator } = await setup(t, database)
    const browser = await operator()
    const page = await browser.get(`/console/compose?topic=${KEY}`)
    t.equal(page.statusCode, 200)
    t.match(page.body, '<script src="/console/assets/compose.js" defer></script>', 'the script comes from the site, not inline')
    t.notMatch(page.body, /<script>/, 'no inline script')
    t.match(textOf(page.body), /Characters 0 of 1,600/)

    const gsm = 'a'.repeat(100)
    const plain = await preview(browser, { topic: KEY, body: gsm })
    t.equal(plain.status, 200)
    t.match(plain.type, /^application\/json/)
    t.same(counts(plain.body), { characters: 100, maxCharacters: 1600, encoding: 'GSM-7', segments: framedSegments(gsm, KEY) })
    t.equal(counts(plain.body).segments, 1, 'with the footer, 130 GSM-7 characters: one segment')
    t.match(plain.body.text, { encoding: /^GSM-7/, segments: '1 segment per recipient, the last line included' })

    const emoji = `${gsm}😀`
    const wide = await preview(browser, { topic: KEY, body: emoji })
    t.same(counts(wide.body), { characters: 102, maxCharacters: 1600, encoding: 'UCS-2', segments: framedSegments(emoji, KEY) })
    // UCS-2: 67 a segment once split; the Spanish footer (37 characters) is the longer, so 102 + 38 take three.
    t.equal(counts(wide.body).segments, 3, 'UCS-2: the same text and footer take three segments')
    t.match(wide.body.text, { encoding: /^UCS-2/, characters: '102 of 1,600' })
    t.notOk('audience' in wide.body, 'no audience per keystroke')

    const long = 'b'.repeat(400)
    const split = await preview(browser, { topic: KEY, body: long })
    t.equal(counts(split.body).segments, framedSegments(long, KEY), 'a long text: 153 a segment once split')

    // Without JavaScript: "Update counts" renders the same numbers on the page.
    const rendered = await browser.post('/console/compose', { topic: KEY, body: emoji, sendAt: '', expiresAt: '', step: 'preview' })
    t.equal(rendered.statusCode, 200)
    t.match(textOf(rendered.body), /Characters 102 of 1,600/)
    t.match(textOf(rendered.body), /Encoding UCS-2/)
    t.match(textOf(rendered.body), /Segments 3 segments per recipient/)
    t.match(rendered.body, `${gsm}😀</textarea>`, 'what was typed is kept')
  })
}

t.test('the preview refuses a request without the CSRF token, in JSON', async (t) => {
  const { operator, db } = await setup(t)
  const browser = await operator()
  await browser.get('/console/compose')
  const refused = await preview(browser, { topic: KEY, body: 'hello' }, null)
  t.equal(refused.status, 403)
  t.match(refused.type, /^application\/json/)
  t.match(refused.body, { error: 'csrf', message: /expired/ })
  const forged = await preview(browser, { topic: KEY, body: 'hello' }, 'not-a-token')
  t.equal(forged.status, 403)
  const unreadable = await preview(browser, { topic: KEY })
  t.equal(unreadable.status, 400, 'a body the route cannot read')
  t.match(unreadable.body, { error: 'bad_request' })
  t.equal((await db.selectFrom('notifications').select('id').execute()).length, 0)

  // A failure on the server is hidden behind the app's 500, as everywhere else.
  await sql`drop table subscriptions`.execute(db)
  const failed = await preview(browser, { topic: KEY, body: 'hello', audience: true })
  t.equal(failed.status, 500)
  t.notMatch(JSON.stringify(failed.body), /subscriptions/, 'no internals in the answer')
})

// Three Boston numbers (quiet at 22:30), one Boston number with QUIET OFF, two San Francisco numbers (19:30, open), one
// San Francisco number whose own quiet hours are 19-7 (quiet), and one Boston number that texted STOP (no recipient).
const BOSTON = ['+16175550201', '+16175550202', '+16175550203']
const BOSTON_OFF = '+16175550204'
const PACIFIC = ['+14155550211', '+14155550212']
const PACIFIC_OWN = '+14155550213'
const STOPPED = '+16175550205'
const AUDIENCE = [...BOSTON, BOSTON_OFF, ...PACIFIC, PACIFIC_OWN]

async function audience(app: Parameters<typeof text>[0]) {
  await subscribe(app, [...AUDIENCE, STOPPED])
  await text(app, 'QUIET OFF', { From: BOSTON_OFF })
  await text(app, 'QUIET 19-7', { From: PACIFIC_OWN })
  await text(app, 'STOP', { From: STOPPED })
}

for (const database of DATABASES) {
  t.test(`${database}: recipients now, who is in quiet hours and when they get it; confirm, then publish`, async (t) => {
    const { app, db, operator } = await setup(t, database)
    await audience(app)
    const browser = await operator()

    const page = await browser.get(`/console/compose?topic=${KEY.toLowerCase()}`)
    const seen = textOf(page.body)
    t.match(seen, /7 recipients now: the subscribers of CS2500-01 who have not opted out/)
    // Boston opens at 08:00 there (13:00 UTC); the 19-7 phone at 07:00 in San Francisco (15:00 UTC).
    t.match(seen, /4 of them are in quiet hours now: they get it as their quiet hours end,/)
    t.match(seen, /the first at 2026-11-24 08:00 America\/New_York \(13:00 UTC\)/)
    t.match(seen, /and the last at 2026-11-24 10:00 America\/New_York \(15:00 UTC\)\./)
    t.notMatch(page.body, /555020|555021/, 'no phone number on the page')

    // The same figures from the preview route when the topic changes (the script asks with audience: true).
    const asked = await preview(browser, { topic: KEY, body: 'Lab moved', audience: true })
    t.match(asked.body.forecast, {
      recipients: 7,
      held: 4,
      at: EVENING,
      firstOpening: '2026-11-24T13:00:00.000Z',
      lastOpening: '2026-11-24T15:00:00.000Z',
      expiring: 0,
    })

    const body = 'Lab moved to room 210 tonight.'
    const confirm = await browser.post('/console/compose', { topic: KEY, body, sendAt: '', expiresAt: '', step: 'confirm' })
    t.equal(confirm.statusCode, 200)
    const confirmation = textOf(confirm.body)
    t.match(confirmation, `7 recipients × 1 segment = 7 segments`)
    t.match(confirmation, /4 of them are in quiet hours now/)
    t.match(confirmation, /Send At once Expires Never/)
    t.match(confirm.body, 'action="/console/compose/publish"')
    t.match(confirm.body, `<input type="hidden" name="body" value="${body}">`, 'the text travels in a hidden field')
    t.equal((await db.selectFrom('notifications').select('id').execute()).length, 0, 'nothing is queued by the confirmation')
    t.equal((await db.selectFrom('outbox').select('id').execute()).length, 0)

    // "Change it" goes back to the form with what was typed.
    const changed = await browser.post('/console/compose', { topic: KEY, body, sendAt: '', expiresAt: '', step: 'edit' })
    t.match(changed.body, `${body}</textarea>`)
    t.equal((await db.selectFrom('notifications').select('id').execute()).length, 0)

    const published = await browser.post('/console/compose/publish', { topic: KEY, body, sendAt: '', expiresAt: '' })
    t.equal(published.statusCode, 303)
    const id = (await db.selectFrom('notifications').select('id').executeTakeFirstOrThrow()).id
    t.equal(published.headers.location, `/console/notifications/${id}?published=1`)
    const api = await app.inject({ method: 'GET', url: `/api/notifications/${id}`, headers: BEARER })
    t.match(api.json(), { id, topic: KEY, recipients: 7, segments: 1, queued: 7, sent: 0, done: false })
    const queued = await db.selectFrom('outbox').select('phone').where('notification_id', '=', id).execute()
    t.same(queued.map((r) => r.phone).sort(), [...AUDIENCE].sort(), 'exactly the audience: the opted-out phone is not queued')
    const stored = await db.selectFrom('notifications').select(['body', 'segments']).where('id', '=', id).executeTakeFirstOrThrow()
    t.same(stored, { body, segments: framedSegments(body, KEY) })

    const notificationPage = await browser.get(published.headers.location as string)
    t.equal(notificationPage.statusCode, 200)
    t.match(textOf(notificationPage.body), /Published: queued for 7 recipients\./)
  })
}

t.test('scheduled: the forecast is for the send time, read in DEFAULT_TIME_ZONE, and the held ones that would expire', async (t) => {
  const { app, db, operator } = await setup(t)
  await audience(app)
  const browser = await operator()
  await browser.get('/console/compose')
  // 10:00 in New York is 15:00 UTC: 07:00 in San Francisco, quiet for the two numbers on the default 21-8 (open at 08:00,
  // 16:00 UTC), open for the one whose own hours are 19-7.
  const form = { topic: KEY, body: 'Office hours at 10.', sendAt: '2026-11-24T10:00', expiresAt: '2026-11-24T10:30' }
  const confirm = await browser.post('/console/compose', { ...form, step: 'confirm' })
  t.equal(confirm.statusCode, 200)
  const seen = textOf(confirm.body)
  t.match(seen, /Send 2026-11-24 10:00 America\/New_York \(15:00 UTC\)/)
  t.match(seen, /Expires 2026-11-24 10:30 America\/New_York \(15:30 UTC\)/)
  t.match(seen, /2 of them are in quiet hours at the send time, 2026-11-24 10:00 America\/New_York \(15:00 UTC\):/)
  t.match(seen, /they get it at 2026-11-24 11:00 America\/New_York \(16:00 UTC\), when their quiet hours end/)
  t.match(seen, /2 of them will still be in quiet hours at the expiry time: theirs will expire unsent/)
  t.match(confirm.body, '<input type="hidden" name="sendAt" value="2026-11-24T10:00">', 'the time as typed')

  const published = await browser.post('/console/compose/publish', form)
  t.equal(published.statusCode, 303)
  const stored = await db.selectFrom('notifications').select(['send_at', 'expires_at']).executeTakeFirstOrThrow()
  t.same(stored, { send_at: '2026-11-24T15:00:00.000Z', expires_at: '2026-11-24T15:30:00.000Z' }, 'read in America/New_York')

  const iso = await preview(browser, { topic: KEY, body: 'x', sendAt: '2026-11-24T07:00:00-08:00', audience: true })
  t.match(iso.body.forecast, { at: '2026-11-24T15:00:00.000Z', held: 2 }, 'an ISO time with its offset is taken as it is')

  const late = await browser.post('/console/compose', { topic: KEY, body: 'Late notice.', sendAt: '2026-11-24T20:00', step: 'confirm' })
  t.match(textOf(late.body), /Send 2026-11-24 20:00 America\/New_York \(2026-11-25 01:00 UTC\)/, 'the UTC date when it differs')

  const noon = await preview(browser, { topic: KEY, body: 'x', sendAt: '2026-11-24T12:00', audience: true })
  t.match(noon.body.forecast, { at: '2026-11-24T17:00:00.000Z', held: 0, firstOpening: null })
  t.match((noon.body.audience as string[])[1], /^None of them is in quiet hours at the send time, 2026-11-24 12:00 America\/New_York/)
  const past = await preview(browser, { topic: KEY, body: 'x', sendAt: '2026-11-20T12:00', audience: true })
  t.match(past.body.forecast, { at: EVENING, held: 4 }, 'a sendAt in the past means now')
  const unknown = await preview(browser, { topic: 'NOPE', body: 'x', audience: true })
  t.same(unknown.body.audience, ['There is no open topic NOPE.'])
})

for (const database of DATABASES) {
  t.test(`${database}: bad input re-renders the form with a sentence and what was typed; nothing is queued`, async (t) => {
    const { db, clock, operator } = await setup(t, database)
    await saveTopic(db, 'OLD', 'Closed topic', clock.now())
    await db.updateTable('topics').set({ closed_at: clock.now().toISOString() }).where('key', '=', 'OLD').execute()
    const browser = await operator()
    await browser.get('/console/compose')
    const post = (form: Record<string, string>, url = '/console/compose') =>
      browser.post(url, { topic: KEY, body: 'Hello', sendAt: '', expiresAt: '', step: 'confirm', ...form })

    const empty = await post({ body: '   ' })
    t.equal(empty.statusCode, 422)
    t.match(textOf(empty.body), /The notification text is empty\./)
    t.match(empty.body, /aria-invalid="true" autofocus/, 'the field in error takes the focus')

    const unknown = await post({ topic: 'NOPE', body: 'Kept text' })
    t.equal(unknown.statusCode, 422)
    t.match(textOf(unknown.body), /There is no open topic NOPE\./)
    t.match(unknown.body, 'Kept text</textarea>', 'the text typed is kept')

    const closed = await post({ topic: 'old' }, '/console/compose/publish')
    t.equal(closed.statusCode, 422, 'a closed topic, at publish too')
    t.match(textOf(closed.body), /There is no open topic old\./)

    const far = await post({ sendAt: '2027-02-01T09:00' })
    t.equal(far.statusCode, 422)
    t.match(textOf(far.body), /sendAt \(2027-02-01T14:00:00\.000Z\) is more than 35 days ahead/)
    t.match(far.body, 'value="2027-02-01T09:00"', 'the time typed is kept')

    const before = await post({ sendAt: '2026-11-25T09:00', expiresAt: '2026-11-25T08:00' })
    t.equal(before.statusCode, 422)
    t.match(textOf(before.body), /expiresAt \(2026-11-25T13:00:00\.000Z\) must be after sendAt \(2026-11-25T14:00:00\.000Z\)/)

    const past = await post({ expiresAt: '2026-11-23T08:00' })
    t.match(textOf(past.body), /has already passed/)

    const garbled = await post({ sendAt: 'tomorrow-ish' })
    t.equal(garbled.statusCode, 422)
    t.match(textOf(garbled.body), /Send at \(optional\): "tomorrow-ish" is not a date and time/)
    t.match(textOf((await post({ expiresAt: '2026-02-30T09:00' })).body), /is not a date and time/, 'a date the calendar lacks')

    const long = await post({ body: 'x'.repeat(1700) })
    t.match(textOf(long.body), /The notification text is 1700 characters; the most is 1600\./)

    const publishEmpty = await post({ body: '' }, '/console/compose/publish')
    t.equal(publishEmpty.statusCode, 422, 'publish checks again')

    const forged = await browser.post('/console/compose/publish', { topic: KEY, body: 'Hello' }, false)
    t.equal(forged.statusCode, 403, 'publish without the CSRF token')
    t.match(textOf(forged.body), /This form expired/)
    t.equal((await db.selectFrom('notifications').select('id').execute()).length, 0, 'nothing was queued')
  })
}

t.test('someone signed in who is not an operator gets 403 on compose and its preview', async (t) => {
  const { app, sender } = await setup(t)
  const browser = await signIn(app, sender, '(617) 555-0199')
  t.equal((await browser.get('/console/compose')).statusCode, 403)
  t.equal((await browser.post('/console/compose/publish', { topic: KEY, body: 'x' })).statusCode, 403)
})

t.test('no open topic: the page says to open one', async (t) => {
  const { db, operator } = await setup(t)
  await db.updateTable('topics').set({ closed_at: '2026-11-24T00:00:00.000Z' }).execute()
  const browser = await operator()
  const page = await browser.get('/console/compose')
  t.equal(page.statusCode, 200)
  t.match(textOf(page.body), /No topic is open: open one on the Topics page first/)
})

for (const database of DATABASES) {
  t.test(`${database}: 10 000 recipients: the confirmation's audience and quiet hours in well under a second`, async (t) => {
    const { db, clock, operator } = await setup(t, database)
    const at = clock.now().toISOString()
    // Boston and San Francisco numbers alternately, some with their own quiet hours: the forecast's shared answers.
    const phones = Array.from({ length: 10_000 }, (_, i) => `+1${i % 2 === 0 ? '617' : '415'}55${String(i).padStart(5, '0')}`)
    for (let i = 0; i < phones.length; i += 1000) {
      const batch = phones.slice(i, i + 1000)
      await db
        .insertInto('phones')
        .values(
          batch.map((phone, j) => ({
            phone,
            first_seen_at: at,
            opted_out_at: null,
            profile_id: null,
            verified_at: null,
            quiet_hours: j % 10 === 1 ? '19-7' : null,
          })),
        )
        .execute()
      await db
        .insertInto('subscriptions')
        .values(batch.map((phone) => ({ phone, topic_key: KEY, created_at: at })))
        .execute()
    }
    const browser = await operator()
    await browser.get('/console/compose')
    const started = performance.now()
    const confirm = await browser.post('/console/compose', { topic: KEY, body: 'Hello all', sendAt: '', expiresAt: '', step: 'confirm' })
    const elapsed = performance.now() - started
    t.equal(confirm.statusCode, 200)
    t.match(textOf(confirm.body), '10,000 recipients × 1 segment = 10,000 segments')
    // 22:30 in Boston (the 5 000 there are held), 19:30 in San Francisco (the 1 000 there with their own 19-7 are held).
    t.match(textOf(confirm.body), /6,000 of them are in quiet hours now/)
    t.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`)
  })
}

t.test('times typed in a zone: summer time skipped and repeated, invalid ones, ISO ones', async (t) => {
  const zone = 'America/New_York'
  t.same(readTypedTime('', zone), { ok: true, iso: undefined }, 'empty: no time')
  t.same(readTypedTime('2026-07-01T09:00', zone), { ok: true, iso: '2026-07-01T13:00:00.000Z' }, 'summer: UTC-4')
  t.same(readTypedTime('2026-12-01 09:00:30', zone), { ok: true, iso: '2026-12-01T14:00:30.000Z' }, 'winter: UTC-5, seconds')
  // 2026-03-08: 02:00 to 03:00 does not happen in New York; 2:30 is read with the offset before the change.
  t.same(readTypedTime('2026-03-08T02:30', zone), { ok: true, iso: '2026-03-08T07:30:00.000Z' }, 'a skipped time')
  // 2026-11-01: 01:00 to 02:00 happens twice; the first is taken.
  t.same(readTypedTime('2026-11-01T01:30', zone), { ok: true, iso: '2026-11-01T05:30:00.000Z' }, 'a repeated time')
  t.same(readTypedTime('2026-11-01T01:30', 'Asia/Kolkata'), { ok: true, iso: '2026-10-31T20:00:00.000Z' }, 'a half-hour zone')
  t.same(readTypedTime('2026-12-01T09:00Z', zone), { ok: true, iso: '2026-12-01T09:00:00.000Z' }, 'ISO with Z')
  for (const bad of ['2026-13-01T09:00', '2026-02-29T09:00', '2026-12-01T24:00', '2026-12-01T09:60', 'noon', '2026-12-01']) {
    t.same(readTypedTime(bad, zone), { ok: false }, bad)
  }
})

t.test('the sentences for one held recipient', async (t) => {
  const opening = '2026-11-24T13:00:00.000Z'
  const one = { recipients: 2, at: EVENING, held: 1, firstOpening: opening, lastOpening: opening, expiring: 1 }
  t.same(consoleSendCopy.audience(KEY, one, 'America/New_York', false), [
    '2 recipients now: the subscribers of CS2500-01 who have not opted out and whose number works.',
    '1 of them is in quiet hours now: they get it at 2026-11-24 08:00 America/New_York (13:00 UTC), when their quiet hours end.',
    '1 of them will still be in quiet hours at the expiry time: theirs will expire unsent.',
  ])
})
