// The console through inject on SQLite and PostgreSQL: who gets in (404 off, sign-in, 403, operators), each page, CSRF.
import { sign } from '@fastify/cookie'
import t from 'tap'
import { claimDue, recordFailed, recordSent } from '../../src/notify/queries.js'
import { createSession, profileForUser } from '../../src/profiles/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { DATABASES, SESSION_SECRET, text } from '../helpers.js'
import { Browser } from '../web/client.js'
import { BEARER, consoleApp as setup, TEXTER, textOf } from './setup.js'
import { signIn } from './sign-in.js'

t.test('with neither OPERATOR_PHONES nor OPERATOR_EMAILS the console is off: 404 naming both', async (t) => {
  const { app, sender } = await setup(t, 'sqlite', {})
  const browser = await signIn(app, sender, '(617) 555-0123')
  for (const url of ['/console', '/console/topics', '/console/nothing-here']) {
    const response = await browser.get(url)
    t.equal(response.statusCode, 404, url)
    t.match(response.headers['content-type'], /^text\/html/)
    t.match(textOf(response.body), /OPERATOR_PHONES.*OPERATOR_EMAILS/, 'the sentence names both variables')
  }
  const anonymous = await app.inject({ method: 'GET', url: '/console' })
  t.equal(anonymous.statusCode, 404, 'off for everyone, signed in or not')
})

t.test('without a session: 303 to the sign-in at /verify', async (t) => {
  const { app } = await setup(t)
  for (const url of ['/console', '/console/topics', '/console/nothing-here']) {
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.statusCode, 303, url)
    t.equal(response.headers.location, '/verify')
  }
  const post = await app.inject({ method: 'POST', url: '/console/topics', payload: { key: 'X', title: 'Y' } })
  t.equal(post.statusCode, 303, 'a form post too, before its body is read')
})

t.test('signed in as someone who is not an operator: 403', async (t) => {
  const { app, sender, lines } = await setup(t)
  const browser = await signIn(app, sender, '(617) 555-0199')
  const response = await browser.get('/console')
  t.equal(response.statusCode, 403)
  t.match(textOf(response.body), /not as an operator/)
  t.notMatch(response.body, /<nav/, 'no nav for a non-operator')
  t.notOk(
    lines.some((line) => line.includes('6175550199')),
    'no full phone number in the log',
  )
})

for (const database of DATABASES) {
  t.test(`${database}: an operator by phone gets the console, its nav and who is signed in`, async (t) => {
    const { operator } = await setup(t, database)
    const browser = await operator()
    const response = await browser.get('/console')
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/html/)
    t.equal(response.headers['cache-control'], 'no-store')
    t.match(response.body, /<html lang="en">/)
    t.match(response.body, /<a class="skip" href="#main">Skip to content<\/a>/)
    t.match(response.body, /<nav aria-label="Console">/)
    t.match(response.body, /<a href="\/console" aria-current="page">Overview<\/a>/)
    for (const href of ['topics', 'compose', 'notifications', 'keywords', 'people', 'inbound']) {
      t.match(response.body, `href="/console/${href}"`, `the nav links to ${href}`)
    }
    t.match(textOf(response.body), /Signed in as \+1\*{6}0123/, 'the operator, phone masked')
    t.notMatch(response.body, /6175550123/, 'never the full phone')
    const missing = await browser.get('/console/nothing-here')
    t.equal(missing.statusCode, 404)
    t.match(textOf(missing.body), /There is no such console page/)
  })
}

t.test('an operator by an e-mail the identity provider verified', async (t) => {
  const { app, db, clock } = await setup(t)
  const sessionFor = async (email: string | null, issuer: string) => {
    const profileId = await profileForUser(db, { issuer, subject: `sub-${email}`, email, name: null }, clock.now())
    const browser = new Browser(app)
    browser.cookies.set('smsbot_session', sign(await createSession(db, profileId, clock.now(), 1), SESSION_SECRET))
    return browser
  }
  const ops = await sessionFor('Ops@Example.org', 'https://id.example.org')
  const page = await ops.get('/console')
  t.equal(page.statusCode, 200)
  t.match(textOf(page.body), /Signed in as Ops@Example\.org/)
  const other = await sessionFor('someone@example.org', 'https://id.example.org')
  t.equal((await other.get('/console')).statusCode, 403, 'an e-mail not listed')

  // A profile with the listed e-mail but no issuer: the provider never vouched for it.
  await db
    .insertInto('profiles')
    .values({ id: 'unvouched', display_name: null, created_at: clock.now().toISOString(), email: 'ops@example.org' })
    .execute()
  const unvouched = new Browser(app)
  unvouched.cookies.set('smsbot_session', sign(await createSession(db, 'unvouched', clock.now(), 1), SESSION_SECRET))
  t.equal((await unvouched.get('/console')).statusCode, 403, 'an e-mail without an issuer counts for nothing')
})

for (const database of DATABASES) {
  t.test(`${database}: topics opened, renamed, closed and reopened on the page are the API's topics`, async (t) => {
    const { app, operator } = await setup(t, database)
    const browser = await operator()
    const apiTopics = async () => (await app.inject({ method: 'GET', url: '/api/topics', headers: BEARER })).json<{ topics: unknown[] }>()

    const empty = await browser.get('/console/topics')
    t.equal(empty.statusCode, 200)
    t.match(textOf(empty.body), /No topic is open\./)
    t.match(empty.body, /<label for="key">Key/)
    t.match(empty.body, /<label for="title">Title/)

    const opened = await browser.post('/console/topics', { key: 'cs2500-01', title: 'Fundamentals of CS 1' })
    t.equal(opened.statusCode, 303)
    t.equal(opened.headers.location, '/console/topics?done=saved&key=CS2500-01')
    t.match((await apiTopics()).topics, [{ key: 'CS2500-01', title: 'Fundamentals of CS 1', subscribers: 0 }], 'GET /api/topics has it')
    const listed = await browser.get(opened.headers.location as string)
    t.match(textOf(listed.body), /Saved CS2500-01: it is open\./)
    t.match(textOf(listed.body), /Open topics \(1\) .*CS2500-01 Fundamentals of CS 1 0 /)
    t.match(listed.body, /<label class="visually-hidden" for="rename-0">New title for CS2500-01<\/label>/)

    t.equal((await browser.post('/console/topics', { key: 'CS2500-01', title: 'CS 1', form: 'rename' })).statusCode, 303)
    t.match((await apiTopics()).topics, [{ key: 'CS2500-01', title: 'CS 1' }], 'renamed')

    const closed = await browser.post('/console/topics/close', { key: 'cs2500-01' })
    t.equal(closed.headers.location, '/console/topics?done=closed&key=CS2500-01')
    t.same((await apiTopics()).topics, [], 'closed: not in the API list')
    const closedPage = await browser.get(closed.headers.location as string)
    t.match(textOf(closedPage.body), /Closed topics .*CS2500-01 CS 1 0 /)
    t.match(closedPage.body, /aria-label="Reopen CS2500-01"/)

    const reopened = await browser.post('/console/topics/reopen', { key: 'CS2500-01' })
    t.equal(reopened.headers.location, '/console/topics?done=reopened&key=CS2500-01')
    t.match((await apiTopics()).topics, [{ key: 'CS2500-01', title: 'CS 1' }], 'reopened with its title')
    t.match(textOf((await browser.get(reopened.headers.location as string)).body), /No topic is closed\./)

    const bad = await browser.post('/console/topics', { key: 'no spaces', title: 'A title' })
    t.equal(bad.statusCode, 422)
    t.match(textOf(bad.body), /A topic key is 1 to 64 letters/)
    t.match(bad.body, /id="key" name="key" value="no spaces"/, 'what was typed stays')
    t.match(bad.body, /aria-describedby="key-hint key-error" aria-invalid="true" autofocus/)
    const long = await browser.post('/console/topics', { key: 'LONG', title: 'x'.repeat(121) })
    t.equal(long.statusCode, 422)
    t.match(textOf(long.body), /The title is 121 characters; the most is 120\./)
    t.match(long.body, /id="title" name="title" value="x{121}"/, 'what was typed stays')
    const blank = await browser.post('/console/topics', { key: 'BLANK', title: '   ' })
    t.equal(blank.statusCode, 422)
    t.match(textOf(blank.body), /The title must not be blank\./)
    t.match(blank.body, /id="key" name="key" value="BLANK"/, 'the key typed stays beside the title error')
    // A row's rename form has no fields of its own to mark: its refusals are the page's message.
    for (const [title, key, sentence] of [
      ['x'.repeat(121), 'CS2500-01', /The title is 121 characters; the most is 120\./],
      ['   ', 'CS2500-01', /The title must not be blank\./],
      ['CS 1', 'no spaces', /A topic key is 1 to 64 letters/],
    ] as const) {
      const renamed = await browser.post('/console/topics', { key, title, form: 'rename' })
      t.equal(renamed.statusCode, 422, `rename refused: ${String(sentence)}`)
      t.match(textOf(renamed.body), sentence)
      t.notMatch(renamed.body, /<input[^>]*aria-invalid="true"/, 'no field of the open form is marked')
    }
    t.match((await apiTopics()).topics, [{ key: 'CS2500-01', title: 'CS 1' }], 'the refused renames changed nothing')
    const gone = await browser.post('/console/topics/close', { key: 'NOPE' })
    t.equal(gone.statusCode, 404)
    t.match(textOf(gone.body), /There is no open topic NOPE\./)
    t.equal((await browser.post('/console/topics/reopen', { key: 'NOPE' })).statusCode, 404)
    t.equal((await apiTopics()).topics.length, 1, 'nothing else was opened')
  })
}

t.test('a keyword added on the page answers by SMS; a reserved word is refused; removed, it stops', async (t) => {
  const { app, operator } = await setup(t)
  const browser = await operator()
  t.match(textOf((await browser.get('/console/keywords')).body), /No keyword yet\./)
  const added = await browser.post('/console/keywords', { word: 'hours', reply: 'Open 9 to 5, Monday to Friday.' })
  t.equal(added.statusCode, 303)
  t.equal(added.headers.location, '/console/keywords?done=saved&word=HOURS')
  const listed = await browser.get(added.headers.location as string)
  t.match(textOf(listed.body), /Saved HOURS: its reply takes 1 SMS segment\./)
  t.match(textOf(listed.body), /HOURS Open 9 to 5, Monday to Friday\. 1 /)
  t.equal(await text(app, 'Hours', { From: TEXTER }), 'Open 9 to 5, Monday to Friday.', 'texting it gets the reply')

  const reserved = await browser.post('/console/keywords', { word: 'STOP', reply: 'no' })
  t.equal(reserved.statusCode, 409)
  t.match(textOf(reserved.body), /STOP is a carrier keyword/)
  t.match(reserved.body, /<textarea id="reply" name="reply"/)
  t.match(reserved.body, />\nno<\/textarea>/, 'the reply typed stays')
  const empty = await browser.post('/console/keywords', { word: 'EMPTY', reply: '   ' })
  t.equal(empty.statusCode, 422)
  t.match(empty.body, /aria-describedby="reply-hint reply-error" aria-invalid="true"/)

  const removed = await browser.post('/console/keywords/remove', { word: 'hours' })
  t.equal(removed.headers.location, '/console/keywords?done=removed&word=HOURS')
  t.match(textOf((await browser.get(removed.headers.location as string)).body), /Removed HOURS/)
  t.not(await text(app, 'HOURS', { From: TEXTER }), 'Open 9 to 5, Monday to Friday.', 'no longer answered')
  t.equal((await browser.post('/console/keywords/remove', { word: 'hours' })).statusCode, 404)
})

t.test('a console form posted without its CSRF token is refused and changes nothing', async (t) => {
  const { app, operator, db } = await setup(t)
  const browser = await operator()
  await browser.get('/console/topics')
  for (const [url, form] of [
    ['/console/topics', { key: 'FORGED', title: 'Forged' }],
    ['/console/topics/close', { key: 'FORGED' }],
    ['/console/keywords', { word: 'FORGED', reply: 'Forged' }],
  ] as const) {
    const response = await browser.post(url, form, false)
    t.equal(response.statusCode, 403, url)
    t.match(textOf(response.body), /This form expired or was sent from another page/, url)
  }
  t.equal((await browser.post('/console/topics', { _csrf: 'forged-token', key: 'FORGED', title: 'Forged' }, false)).statusCode, 403)
  t.same(await db.selectFrom('topics').selectAll().execute(), [], 'no topic')
  t.same(await db.selectFrom('keywords').selectAll().execute(), [], 'no keyword')
  const odd = await browser.post('/console/topics', { key: 'X'.repeat(300), title: 'T' })
  t.equal(odd.statusCode, 400, 'a field longer than any form sends')
  t.match(textOf(odd.body), /could not read what this form sent/)
  void app
})

for (const database of DATABASES) {
  t.test(`${database}: the overview counts the last 24 hours`, async (t) => {
    const { app, db, clock, operator } = await setup(t, database)
    const browser = await operator()
    const quiet = await browser.get('/console')
    t.match(textOf(quiet.body), /No messages came in during the last 24 hours\./)
    t.match(textOf(quiet.body), /No send failed during the last 24 hours\./)
    t.match(quiet.body, /<desc id="chart-desc">No message was sent during the last 24 hours\.<\/desc>/)

    await saveTopic(db, 'CS2500-01', 'Fundamentals of CS 1', clock.now())
    await text(app, 'SUB CS2500-01', { From: '+16175550101' })
    await text(app, 'SUB CS2500-01', { From: '+16175550102' })
    await text(app, 'SUB CS2500-01', { From: '+16175550103' })
    await text(app, 'STOP', { From: '+16175550101' })
    await text(app, 'H', { From: '+16175550101' })
    await text(app, 'START', { From: '+16175550101' })
    const published = await app.inject({
      method: 'POST',
      url: '/api/topics/CS2500-01/notifications',
      headers: BEARER,
      payload: { body: 'A seat opened' },
    })
    t.equal(published.statusCode, 202)
    const [first, second, third] = await claimDue(db, clock.now(), 30_000, 10)
    if (first === undefined || second === undefined || third === undefined) throw new Error('three rows claimed')
    await recordSent(db, first, 'SM00000000000000000000000000000001', clock.now())
    await recordFailed(db, second, 30007, 'filtered', clock.now())
    await recordFailed(db, third, 12345, 'who knows', clock.now())
    // An hour later: still inside the window; a day and more later, outside it.
    clock.advance(3_600_000)

    const page = await browser.get('/console')
    t.equal(page.statusCode, 200)
    const seen = textOf(page.body)
    t.match(seen, /Inbound messages by command .*subscribe 3 optIn 1 optOut 1 All 5 /, 'inbound by command, with the total')
    t.match(seen, /not counted here/, 'the page says which messages leave no record')
    t.match(seen, /Sent 1 Accepted by Twilio/)
    t.match(seen, /Failed 2 /)
    t.match(seen, /Queued now 0 /)
    t.match(seen, /30007 1 The carrier filtered the message as spam/, 'a failure with what its code means')
    t.match(page.body, /<a href="https:\/\/www\.twilio\.com\/docs\/api\/errors\/30007">30007<\/a>/)
    t.match(seen, /12345 1 smsbot has no description of Twilio error 12345/, 'an unknown code')
    t.match(page.body, /<svg viewBox="0 0 1441 100" preserveAspectRatio="none" role="img"\s+aria-labelledby="chart-title chart-desc">/)
    t.match(
      page.body,
      /<desc id="chart-desc">1 message sent during the last 24 hours\. The busiest minute, 12:00 UTC on 2026-11-23, had 1\.<\/desc>/,
    )
    const bar = /<rect x="1380" y="0" width="1" height="100" fill="currentColor"\s+stroke="currentColor"/
    t.match(page.body, bar, 'one bar, an hour from the right')
    t.match(seen, /2026-11-23 12:00 1 /, 'the table of minutes')

    clock.advance(24 * 3_600_000)
    const later = textOf((await browser.get('/console')).body)
    t.match(later, /No messages came in during the last 24 hours\./, 'a day later the window has moved on')
    t.match(later, /Sent 0 /)
  })
}

t.test('inbound: the latest messages, newest first, phones masked, the S link not stored', async (t) => {
  const { app, operator, lines } = await setup(t)
  const browser = await operator()
  t.match(textOf((await browser.get('/console/inbound')).body), /No message has come in yet/)
  await text(app, 'LANG ES', { From: TEXTER })
  await text(app, 'S', { From: TEXTER })
  const page = await browser.get('/console/inbound')
  t.equal(page.statusCode, 200)
  const seen = textOf(page.body)
  t.match(seen, /The latest 2 messages texted in, newest first/)
  t.match(seen, /\+1\*{6}0101 signup .*\{link\}.*\+1\*{6}0101 language /, 'newest first, masked, the S link not stored')
  t.notMatch(page.body, /6175550101/, 'no full phone number, not even inside a link')
  t.notOk(
    lines.some((line) => line.includes('6175550101')),
    'nor in the log',
  )
})
