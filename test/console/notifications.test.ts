// The Notifications pages and the progress stream over real HTTP: progress events as rows finish, done and the end,
// operators only, the cap on open streams, the lifetime cap, and a close that never waits for a browser.
import { get, type IncomingHttpHeaders } from 'node:http'
import { sql } from 'kysely'
import t from 'tap'
import { claimDue, recordFailed, recordSent, type ClaimedRow } from '../../src/notify/queries.js'
import { saveTopic } from '../../src/topics/queries.js'
import { buildTestApp, DATABASES, postSigned, testClock, text, type DatabaseKind, type RecordingSender, type TapT } from '../helpers.js'
import type { Browser } from '../web/client.js'
import { ADMIN_TOKEN, BEARER, OPERATOR, textOf } from './setup.js'
import { signIn } from './sign-in.js'

const KEY = 'CS2500-01'
const TEXTERS = ['+16175550301', '+16175550302', '+16175550303']

/** Real time, for what a real socket does. */
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Noon in Boston: nobody is in quiet hours.
async function setup(t: TapT, database: DatabaseKind = 'sqlite') {
  const clock = testClock('2026-11-23T17:00:00.000Z')
  const test = await buildTestApp(t, { database, clock, env: { OPERATOR_PHONES: OPERATOR, ADMIN_TOKEN } })
  const sender = test.sender as RecordingSender
  await saveTopic(test.db, KEY, 'Fundamentals of Computer Science 1', clock.now())
  for (const phone of TEXTERS) await text(test.app, `SUB ${KEY}`, { From: phone })
  const base = await test.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...test, sender, clock, base, operator: () => signIn(test.app, sender, '(617) 555-0123') }
}

async function publish(app: Parameters<typeof text>[0], body = 'Lab moved to room 210.'): Promise<number> {
  const response = await app.inject({ method: 'POST', url: `/api/topics/${KEY}/notifications`, headers: BEARER, payload: { body } })
  return response.json<{ id: number }>().id
}

interface ServerEvent {
  event: string
  data: string
}

/** An event stream read over a real connection: its status, headers, the events so far, and whether it ended. */
interface Stream {
  status: number
  headers: IncomingHttpHeaders
  body: string
  events: ServerEvent[]
  ended: boolean
  destroy(): void
}

const cookieOf = (browser: Browser) => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ')

/** Opens `path` with the browser's cookies and parses `event:`/`data:` blocks as they come. */
function openStream(base: string, path: string, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = get(`${base}${path}`, { headers: { cookie, accept: 'text/event-stream' }, agent: false }, (response) => {
      const stream: Stream = {
        status: response.statusCode as number,
        headers: response.headers,
        body: '',
        events: [],
        ended: false,
        destroy: () => request.destroy(),
      }
      let buffer = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        stream.body += chunk
        buffer += chunk
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
          ) as Record<string, string>
          if (fields.event !== undefined) stream.events.push({ event: fields.event, data: fields.data ?? '' })
        }
      })
      const finish = () => {
        stream.ended = true
      }
      response.on('end', finish)
      response.on('close', finish)
      response.on('error', finish)
      resolve(stream)
    })
    request.on('error', reject)
  })
}

/** Moves the test clock a poll at a time (the stream sleeps on it) until `done` holds; real time bounds it. */
async function until(clock: ReturnType<typeof testClock>, done: () => boolean, what: string, pollMs = 500) {
  for (let i = 0; i < 200 && !done(); i++) {
    await clock.tick(pollMs)
    await wait(10)
  }
  if (!done()) throw new Error(`gave up waiting: ${what}`)
}

const progressOf = (event: ServerEvent | undefined) => JSON.parse(event?.data ?? '{}') as Record<string, unknown>

for (const database of DATABASES) {
  t.test(`${database}: the stream sends progress as rows finish, then done, and closes`, async (t) => {
    const { app, db, clock, base, operator } = await setup(t, database)
    const id = await publish(app)
    const browser = await operator()
    const stream = await openStream(base, `/console/notifications/${id}/events`, cookieOf(browser))
    t.equal(stream.status, 200)
    t.match(stream.headers['content-type'], /^text\/event-stream/)
    t.equal(stream.headers['cache-control'], 'no-store')
    await until(clock, () => stream.events.length >= 1, 'the first event')
    t.equal(stream.events[0]?.event, 'progress')
    t.match(progressOf(stream.events[0]), { id, recipients: 3, queued: 3, sent: 0, done: false, finished: 0, label: '0 of 3 finished' })

    // Nothing changed: no new event however long it polls.
    await clock.tick(500)
    await clock.tick(500)
    await wait(20)
    t.equal(stream.events.length, 1, 'an event only when the progress changes')

    const rows = await claimDue(db, clock.now(), 30_000, 10)
    t.equal(rows.length, 3)
    const [first, second, third] = rows as [ClaimedRow, ClaimedRow, ClaimedRow]
    await recordSent(db, first, 'SM00000000000000000000000000000001', clock.now())
    await recordSent(db, second, 'SM00000000000000000000000000000002', clock.now())
    await until(clock, () => stream.events.some((e) => progressOf(e).sent === 2), 'two sent')
    t.match(progressOf(stream.events.at(-1)), { queued: 1, sent: 2, finished: 2, label: '2 of 3 finished', done: false })

    // A delivery receipt through Twilio's signed status callback.
    const callback = await postSigned(
      app,
      { MessageSid: 'SM00000000000000000000000000000001', MessageStatus: 'delivered', AccountSid: 'AC0123456789abcdef0123456789abcdef' },
      { path: '/sms/status' },
    )
    t.equal(callback.statusCode, 204)
    await until(clock, () => stream.events.some((e) => progressOf(e).delivered === 1), 'one delivered')

    await recordFailed(db, third, 30007, 'filtered', clock.now())
    await until(clock, () => stream.ended, 'the end of the stream')
    const last = stream.events.at(-1)
    t.equal(last?.event, 'done', 'the last event is done')
    t.match(progressOf(last), { sent: 1, delivered: 1, failed: 1, queued: 0, done: true, finished: 3, label: '3 of 3 finished' })
    t.equal(stream.events.filter((e) => e.event === 'done').length, 1)
    t.match(stream.body, /^retry: 5000\n\n/, 'the reconnection delay comes first')

    // A finished notification's stream: its progress, done, and the end at once.
    const again = await openStream(base, `/console/notifications/${id}/events`, cookieOf(browser))
    await until(clock, () => again.ended, 'the end of a finished stream')
    t.same(
      again.events.map((e) => e.event),
      ['progress', 'done'],
    )

    const page = await browser.get(`/console/notifications/${id}`)
    t.equal(page.statusCode, 200)
    const seen = textOf(page.body)
    t.match(seen, /Done: nothing is left to send/)
    t.match(page.body, /<progress id="progress-bar" max="3" value="3"/)
    t.match(seen, /Sent 1 .*Delivered 1 .*Failed 1 .*Expired 0/)
    t.match(page.body, 'data-done="true"')
    t.match(page.body, '<script src="/console/assets/progress.js" defer></script>')

    const list = await browser.get('/console/notifications')
    t.equal(list.statusCode, 200)
    t.match(textOf(list.body), new RegExp(`${id} ${KEY} 2026-11-23 17:00:00 UTC 3 1 2 sent · 1 delivered · 1 failed · done`))
  })
}

t.test('the page without JavaScript: the numbers, a bar and a Refresh link; the list pages older ones', async (t) => {
  const { app, clock, operator } = await setup(t)
  const browser = await operator()
  t.match(textOf((await browser.get('/console/notifications')).body), /No notification yet\./)
  const ids: number[] = []
  for (let i = 0; i < 52; i++) {
    ids.push(await publish(app, `Notice ${i}`))
    clock.advance(1000)
  }
  const latest = ids.at(-1) as number
  const page = await browser.get(`/console/notifications/${latest}`)
  const seen = textOf(page.body)
  t.match(seen, /Not done yet\. Refresh to see the progress\./)
  t.match(seen, /Queued 3 /)
  t.match(page.body, /<progress id="progress-bar" max="3" value="0"\s+aria-describedby="progress-label"[^>]*>0 of 3 finished<\/progress>/)
  t.match(page.body, `<a href="/console/notifications/${latest}">Refresh</a>`)
  t.match(page.body, `data-events="/console/notifications/${latest}/events"`)
  t.match(seen, /Notice 51/, 'its text')
  t.notMatch(page.body, /555030/, 'no phone number')

  const list = await browser.get('/console/notifications')
  t.equal((list.body.match(/<tr><th scope="row">/g) ?? []).length, 50, 'fifty a page')
  t.match(list.body, `href="/console/notifications?before=${ids[2]}"`, 'a link to older ones')
  const older = await browser.get(`/console/notifications?before=${ids[2]}`)
  t.equal((older.body.match(/<tr><th scope="row">/g) ?? []).length, 2)
  t.match(older.body, 'href="/console/notifications">Newest notifications')

  for (const missing of ['999', 'abc', '0']) {
    const response = await browser.get(`/console/notifications/${missing}`)
    t.equal(response.statusCode, 404, missing)
    t.match(textOf(response.body), `There is no notification ${missing}.`)
  }
  const none = await app.inject({
    method: 'GET',
    url: '/console/notifications/999/events',
    headers: { cookie: cookieOf(browser) },
  })
  t.equal(none.statusCode, 404)
  t.equal(none.body, 'There is no notification 999.')
  const garbled = await app.inject({ method: 'GET', url: '/console/notifications/abc/events', headers: { cookie: cookieOf(browser) } })
  t.equal(garbled.statusCode, 404)
  t.equal(garbled.headers['content-type'], 'text/plain; charset=utf-8')
  const head = await app.inject({ method: 'HEAD', url: `/console/notifications/${latest}/events`, headers: { cookie: cookieOf(browser) } })
  t.equal(head.statusCode, 404, 'no HEAD on the stream')
})

t.test('the stream is for operators only', async (t) => {
  const { app, sender } = await setup(t)
  const id = await publish(app)
  const anonymous = await app.inject({ method: 'GET', url: `/console/notifications/${id}/events` })
  t.equal(anonymous.statusCode, 303, 'signed out: to the sign-in')
  const other = await signIn(app, sender, '(617) 555-0199')
  const refused = await app.inject({ method: 'GET', url: `/console/notifications/${id}/events`, headers: { cookie: cookieOf(other) } })
  t.equal(refused.statusCode, 403)
  t.match(textOf(refused.body), /not as an operator/)
  t.equal((await other.get(`/console/notifications/${id}`)).statusCode, 403)
  t.equal((await other.get('/console/notifications')).statusCode, 403)
})

t.test('at most 50 open streams: the next one gets 503 with a sentence; a closed one frees its place', async (t) => {
  const { app, clock, base, operator } = await setup(t)
  const id = await publish(app)
  const cookie = cookieOf(await operator())
  const path = `/console/notifications/${id}/events`
  const streams = await Promise.all(Array.from({ length: 50 }, () => openStream(base, path, cookie)))
  t.ok(
    streams.every((s) => s.status === 200),
    'fifty open',
  )
  const refused = await openStream(base, path, cookie)
  t.equal(refused.status, 503)
  t.equal(refused.headers['retry-after'], '30')
  await until(clock, () => refused.ended, 'the refusal to end')
  t.equal(refused.body, '50 live progress streams are open already, the most this server keeps. Reload the page later, or use Refresh.')

  // A client that goes away ends its stream on the server, however long the stream was sleeping.
  streams[0]?.destroy()
  let next: Stream | undefined
  for (let i = 0; i < 50 && next?.status !== 200; i++) {
    await wait(20)
    next?.destroy()
    next = await openStream(base, path, cookie)
  }
  t.equal(next?.status, 200, 'a place freed by a client that left')
  for (const stream of [...streams, next]) stream?.destroy()
})

t.test('a stream ends after its lifetime (an hour); closing the app ends the open ones at once', async (t) => {
  const { app, clock, base, operator } = await setup(t)
  const id = await publish(app)
  const cookie = cookieOf(await operator())
  const path = `/console/notifications/${id}/events`
  const long = await openStream(base, path, cookie)
  await until(clock, () => long.events.length === 1, 'the first event')
  await clock.tick(3_599_000)
  await until(clock, () => long.ended, 'the end of its lifetime')
  t.same(
    long.events.map((e) => e.event),
    ['progress'],
    'no done: the notification is not done',
  )
  t.match(long.body, /: still here\n\n/, 'a comment now and then keeps the connection alive')

  const open = await openStream(base, path, cookie)
  await until(clock, () => open.events.length === 1, 'the first event')
  const started = Date.now()
  await app.close()
  t.ok(Date.now() - started < 5000, 'close did not wait for the browser')
  await wait(50)
  t.ok(open.ended, 'the stream ended with the app')
})

t.test('the scripts: JavaScript from the site, revalidated by their ETag', async (t) => {
  const { app, operator } = await setup(t)
  const browser = await operator()
  const cookie = cookieOf(browser)
  for (const name of ['compose.js', 'progress.js']) {
    const script = await app.inject({ method: 'GET', url: `/console/assets/${name}`, headers: { cookie } })
    t.equal(script.statusCode, 200, name)
    t.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
    t.equal(script.headers['cache-control'], 'no-cache')
    t.match(script.body, /^'use strict'/)
    const etag = script.headers.etag as string
    const again = await app.inject({ method: 'GET', url: `/console/assets/${name}`, headers: { cookie, 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
  }
  t.equal((await app.inject({ method: 'GET', url: '/console/assets/other.js', headers: { cookie } })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/console/assets/toString', headers: { cookie } })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/console/assets/compose.js' })).statusCode, 303, 'operators only')
})

t.test('a database error ends the stream and is logged; the browser reconnects by itself', async (t) => {
  const { app, db, clock, base, lines, operator } = await setup(t)
  const id = await publish(app)
  const stream = await openStream(base, `/console/notifications/${id}/events`, cookieOf(await operator()))
  await until(clock, () => stream.events.length === 1, 'the first event')
  await sql`drop table outbox`.execute(db)
  await until(clock, () => stream.ended, 'the end of the stream')
  t.ok(
    lines.some((line) => line.includes('progress stream failed')),
    'logged',
  )
})

t.test('a notification nobody gets is done at once; the list says what each ended as', async (t) => {
  const { app, db, clock, operator } = await setup(t)
  await saveTopic(db, 'EMPTY', 'Nobody follows this', clock.now())
  const response = await app.inject({ method: 'POST', url: '/api/topics/EMPTY/notifications', headers: BEARER, payload: { body: 'Hi' } })
  const { id } = response.json<{ id: number }>()
  const browser = await operator()
  const page = await browser.get(`/console/notifications/${id}`)
  t.match(textOf(page.body), /No recipient: nothing to send\./)
  t.match(page.body, /<progress id="progress-bar" max="1" value="1"/)

  const expiring = await app.inject({
    method: 'POST',
    url: `/api/topics/${KEY}/notifications`,
    headers: BEARER,
    payload: { body: 'Soon stale', expiresAt: '2026-11-23T17:01:00Z' },
  })
  clock.advance(120_000)
  t.equal((await claimDue(db, clock.now(), 30_000, 10)).length, 0, 'the rows expire at their claim')
  const list = await browser.get('/console/notifications')
  t.match(textOf(list.body), new RegExp(`${expiring.json<{ id: number }>().id} ${KEY} .* 0 sent · 3 expired · done`))
})
