// Events to the team's application: signed deliveries a standardwebhooks receiver verifies, retries with the same
// webhook-id, failure after 24 hours of the clock, and the operator API that lists and retries them.
import t from 'tap'
import { emitEvent } from '../../src/events/queries.js'
import type { Db } from '../../src/database.js'
import { DATABASES, testClock, text, type TestClock } from '../helpers.js'
import { freePort } from '../ports.js'
import { startReceiver, type Receiver } from './receiver.js'
import { auth, drive, eventRow, eventsApp, onlyEvent, recorded } from './setup.js'

const PHONE = '+16175550123'
const OPTED_OUT = { type: 'phone.opted_out', data: { phone: PHONE, source: 'sms', detail: 'STOP' } } as const

/**
 * The next attempt at event `id`: the clock moved to when it is due, and on until the attempt is recorded (standing
 * still while a request the receiver saw is not recorded yet).
 */
async function nextAttempt(clock: TestClock, db: Db, id: string, receiver: Pick<Receiver, 'count'>) {
  const before = await eventRow(db, id)
  const due = Date.parse(before.next_attempt_at) - clock.now().getTime()
  if (due > 0) clock.advance(due)
  const attempted = async () => (await eventRow(db, id)).attempts > before.attempts
  await drive(clock, attempted, `attempt ${before.attempts + 1} at ${id}`, undefined, recorded(receiver, db, id))
  return eventRow(db, id)
}

for (const database of DATABASES) {
  t.test(`${database}: an event is delivered signed, verified by the receiver, and marked delivered`, async (t) => {
    const receiver = await startReceiver()
    t.teardown(() => receiver.close())
    const { db, clock, lines } = await eventsApp(t, { eventsUrl: receiver.url, database })
    await emitEvent(db, OPTED_OUT, clock.now())
    const row = await onlyEvent(db)
    // The running deliverer may have claimed it already (an emit wakes it): queued or sending, not yet delivered.
    t.match(row, { target: 'webhook', type: 'phone.opted_out', status: /^(queued|sending)$/, id: /^msg_/ })

    const delivered = async () => (await eventRow(db, row.id)).status === 'delivered'
    await drive(clock, delivered, 'the delivery', undefined, recorded(receiver, db, row.id))
    t.same(receiver.rejected, [], 'every request verified with standardwebhooks')
    t.equal(receiver.deliveries.length, 1)
    const [delivery] = receiver.deliveries
    t.equal(delivery?.id, row.id, 'webhook-id is the row id')
    t.same(delivery?.body, { type: 'phone.opted_out', timestamp: row.created_at, data: OPTED_OUT.data }, 'the body')
    t.equal(row.created_at, '2026-11-23T12:00:00.000Z', "the body's timestamp is when the change happened")
    t.ok(Math.abs(Number(delivery?.timestamp) - Date.now() / 1000) < 60, 'webhook-timestamp is when it was signed, in seconds')
    t.match(await eventRow(db, row.id), { status: 'delivered', attempts: 1, last_error: null, lease_until: null })
    t.notOk(
      lines.some((line) => line.includes('6175550123')),
      'no full phone number in the log',
    )
  })

  t.test(`${database}: 500 then 200: the retry, within a minute, carries the same webhook-id and body`, async (t) => {
    const receiver = await startReceiver({ answer: (_delivery, nth) => (nth === 1 ? 500 : 200) })
    t.teardown(() => receiver.close())
    const { db, clock } = await eventsApp(t, { eventsUrl: receiver.url, database })
    await emitEvent(db, OPTED_OUT, clock.now())
    const { id, created_at: createdAt } = await onlyEvent(db)

    const failed = await nextAttempt(clock, db, id, receiver)
    t.match(failed, { status: 'queued', attempts: 1, last_error: 'answered 500: receiver says no (500)' })
    const wait = Date.parse(failed.next_attempt_at) - Date.parse(failed.updated_at)
    t.ok(wait >= 5_000 && wait <= 10_000, `the first retry is due 5 to 10 s later (${wait} ms)`)

    t.match(await nextAttempt(clock, db, id, receiver), { status: 'delivered', attempts: 2, last_error: null })
    t.ok(clock.now().getTime() - Date.parse(createdAt) < 60_000, 'delivered within a minute of the change')
    t.same(
      receiver.deliveries.map((d) => d.id),
      [id, id],
      'both attempts carry the same webhook-id',
    )
    t.same(receiver.deliveries[1]?.body, receiver.deliveries[0]?.body, 'and the same body')
    t.same(receiver.rejected, [])
  })

  t.test(
    `${database}: a receiver that never answers 2xx: failed after 24 h, listed, and retried by the API with the same id`,
    async (t) => {
      const seenAt: number[] = []
      const clock = testClock()
      const receiver = await startReceiver({
        answer: () => {
          seenAt.push(clock.now().getTime())
          return 503
        },
      })
      t.teardown(() => receiver.close())
      const { app, db } = await eventsApp(t, { eventsUrl: receiver.url, database, clock })
      await emitEvent(db, OPTED_OUT, clock.now())
      const { id, deadline_at: deadline, created_at: createdAt } = await onlyEvent(db)
      t.equal(Date.parse(deadline) - Date.parse(createdAt), 24 * 3_600_000, 'its deadline is a day after the change')

      let row = await nextAttempt(clock, db, id, receiver)
      for (let n = 0; row.status === 'queued' && n < 100; n++) row = await nextAttempt(clock, db, id, receiver)
      t.match(row, { status: 'failed', last_error: 'answered 503: receiver says no (503)' })
      t.equal(receiver.count(id), row.attempts, 'every attempt reached the receiver, with the same webhook-id')
      t.equal(receiver.deliveries.length, row.attempts)
      const gaps = seenAt.slice(1).map((at, i) => at - (seenAt[i] as number))
      t.ok((gaps[0] as number) <= 60_000, `the first retry within a minute (${gaps[0]} ms)`)
      t.ok((gaps[3] as number) > (gaps[0] as number) * 2, 'the waits grow')
      t.ok(
        gaps.every((gap) => gap <= 3_600_000 + 5_000),
        'never more than an hour apart',
      )
      const last = seenAt.at(-1) as number
      t.ok(last <= Date.parse(deadline) && last > Date.parse(deadline) - 3_600_000 - 5_000, 'attempts go on until the deadline, not after')
      t.comment(`${row.attempts} attempts over ${((last - (seenAt[0] as number)) / 3_600_000).toFixed(1)} h`)

      const listed = await app.inject({ method: 'GET', url: '/api/events?status=failed', headers: auth })
      t.equal(listed.statusCode, 200)
      t.match(listed.json(), {
        events: [{ id, target: 'webhook', type: 'phone.opted_out', status: 'failed', attempts: row.attempts, data: OPTED_OUT.data }],
      })
      t.match(
        (await app.inject({ method: 'GET', url: '/api/events', headers: auth })).json(),
        { events: [{ id }] },
        'failed is the default',
      )
      t.same((await app.inject({ method: 'GET', url: '/api/events?status=queued', headers: auth })).json(), { events: [] })

      receiver.answer = () => 200
      const retried = await app.inject({ method: 'POST', url: `/api/events/${id}/retry`, headers: auth })
      t.equal(retried.statusCode, 202)
      t.match(retried.json(), { id, status: 'queued', attempts: 0, lastError: null, createdAt })
      const again = await app.inject({ method: 'POST', url: `/api/events/${id}/retry`, headers: auth })
      t.equal(again.statusCode, 409, 'a queued event is not retried twice')
      t.match(again.json(), { error: 'event_waiting', message: /queued/ })

      await drive(clock, async () => (await eventRow(db, id)).status === 'delivered', 'the retried delivery')
      t.equal(receiver.count(id), row.attempts + 1, 'delivered once more, with the same webhook-id')
      t.same(receiver.deliveries.at(-1)?.body, receiver.deliveries[0]?.body, 'the same event as it was')
      t.same(receiver.rejected, [])
      t.equal(
        (await app.inject({ method: 'POST', url: `/api/events/${id}/retry`, headers: auth })).statusCode,
        202,
        'a delivered one can be sent again',
      )
    },
  )
}

t.test('the API: unknown events, bad queries, the bearer token', async (t) => {
  const { app, db, clock } = await eventsApp(t, { eventsUrl: `http://127.0.0.1:${await freePort()}/`, database: 'sqlite' })
  const missing = await app.inject({ method: 'POST', url: '/api/events/msg_nothing/retry', headers: auth })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { error: 'no_such_event', message: 'There is no event msg_nothing.' })
  t.equal((await app.inject({ method: 'GET', url: '/api/events?status=lost', headers: auth })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/api/events?limit=501', headers: auth })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/api/events' })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/api/events/msg_nothing/retry' })).statusCode, 401)

  for (let i = 0; i < 3; i++) {
    await emitEvent(db, OPTED_OUT, clock.now())
    clock.advance(1000)
  }
  await db.updateTable('events').set({ status: 'failed' }).execute()
  const two = (await app.inject({ method: 'GET', url: '/api/events?limit=2', headers: auth })).json<{
    events: Array<{ createdAt: string }>
  }>()
  t.same(
    two.events.map((e) => e.createdAt),
    ['2026-11-23T12:00:02.000Z', '2026-11-23T12:00:01.000Z'],
    'newest first, at most limit',
  )
})

t.test('a redirect is not followed, a refused connection is retried, and neither holds up the SMS webhook', async (t) => {
  const receiver = await startReceiver({ answer: () => 307 })
  t.teardown(() => receiver.close())
  const { app, db, clock } = await eventsApp(t, { eventsUrl: receiver.url, database: 'sqlite' })
  await emitEvent(db, OPTED_OUT, clock.now())
  const { id } = await onlyEvent(db)
  const redirected = await nextAttempt(clock, db, id, receiver)
  t.match(redirected, { status: 'queued', last_error: 'answered 307 (a redirect, which is not followed)' })
  t.equal(receiver.deliveries.length, 1, 'the Location was not visited')

  // A receiver that takes the request and never answers: the deliveries wait on their own loop.
  receiver.answer = () => 'hold'
  for (let i = 0; i < 6; i++) await emitEvent(db, OPTED_OUT, clock.now())
  clock.advance(60_000)
  await drive(clock, () => receiver.deliveries.length === 1 + 4, 'four deliveries held by the receiver')
  const started = Date.now()
  t.match(await text(app, 'HELP'), /./, 'the SMS webhook answers while four deliveries hang')
  t.ok(Date.now() - started < 2_000)
  await receiver.close()

  const closed = await eventsApp(t, { eventsUrl: `http://127.0.0.1:${await freePort()}/x`, database: 'sqlite' })
  await emitEvent(closed.db, OPTED_OUT, closed.clock.now())
  // Nothing listens there: no request is ever under way.
  const refused = await nextAttempt(closed.clock, closed.db, (await onlyEvent(closed.db)).id, { count: () => 0 })
  t.match(refused, { status: 'queued', attempts: 1, last_error: /ECONNREFUSED/ })
})
