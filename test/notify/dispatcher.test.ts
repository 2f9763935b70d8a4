// The dispatcher with an injected clock and a scripted sender: rate, retries, permanent errors, leases, opt-outs, shutdown.
import t from 'tap'
import { backoffMs, createDispatcher, type DispatcherOptions } from '../../src/notify/dispatcher.js'
import { claimDue, enqueueNotification, notificationProgress } from '../../src/notify/queries.js'
import { rememberPhone, setOptedOut } from '../../src/phones/queries.js'
import { SendError } from '../../src/sender/sender.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { memoryLogger, recordingSender, testClock, testDb, type TapT } from '../helpers.js'

const phone = (i: number) => `+1617555${String(1000 + i)}`

async function setup(t: TapT, subscribers: number, options: Partial<DispatcherOptions> = {}, tickMs = 10) {
  const db = await testDb(t)
  const clock = testClock()
  const sender = recordingSender()
  const sentAt: number[] = []
  const send = sender.send.bind(sender)
  sender.send = async (sms) => {
    sentAt.push(clock.now().getTime())
    return send(sms)
  }
  await saveTopic(db, 'CS2500-01', 'Fundamentals', clock.now())
  for (let i = 0; i < subscribers; i++) {
    await rememberPhone(db, phone(i), clock.now())
    await subscribe(db, phone(i), 'CS2500-01', 20, clock.now())
  }
  const { logger, lines } = memoryLogger()
  const dispatcher = createDispatcher({
    db,
    sender,
    clock,
    logger,
    ratePerSecond: 1,
    concurrency: 10,
    leaseMs: 30_000,
    maxAttempts: 3,
    random: () => 0.5,
    // Virtual time: a sleeper waits until the test's driver has moved the injected clock far enough.
    sleep: async (ms, wake) => {
      const until = clock.now().getTime() + ms
      while (clock.now().getTime() < until && !wake.aborted) await new Promise((resolve) => setImmediate(resolve))
    },
    idleMs: 250,
    ...options,
  })
  /** Moves virtual time on by `tickMs` (10 ms) and lets everything waiting run. */
  const tick = async () => {
    clock.advance(tickMs)
    await new Promise((resolve) => setImmediate(resolve))
  }
  /** Ticks until `condition` holds; fails with `what` after `maxTicks` ticks instead of spinning forever. */
  const tickUntil = async (condition: () => boolean | Promise<boolean>, what: string, maxTicks = 1_000_000) => {
    for (let i = 0; i < maxTicks; i++) {
      if (await condition()) return
      await tick()
    }
    throw new Error(`still waiting after ${maxTicks} ticks (${(maxTicks * tickMs) / 1000} s of virtual time) for ${what}`)
  }
  /** Runs the dispatcher until nothing is queued or in flight for the notification. */
  const drain = async (id: number) => {
    dispatcher.start()
    await tickUntil(async () => (await notificationProgress(db, id, clock.now()))?.done === true, `notification ${id} to drain`)
    await dispatcher.stop()
    return notificationProgress(db, id, clock.now())
  }
  return { db, clock, sender, sentAt, dispatcher, drain, lines, tick, tickUntil }
}

/** Milliseconds between consecutive send attempts. */
const gaps = (sentAt: number[]) => sentAt.slice(1).map((at, i) => at - (sentAt[i] as number))
const iso = (ms: number | undefined) => new Date(ms as number).toISOString()

t.test('sends every recipient once, never faster than SEND_RATE_PER_SECOND', async (t) => {
  const { db, clock, sender, sentAt, drain } = await setup(t, 12, { ratePerSecond: 2 })
  const published = await enqueueNotification(db, 'cs2500-01', 'A seat opened in CS2500-01', clock.now())
  t.same(published, { id: 1, recipients: 12, segments: 1 })
  const progress = await drain(published.id)
  t.same(progress, {
    id: 1,
    topic: 'CS2500-01',
    recipients: 12,
    segments: 1,
    queued: 0,
    scheduled: 0,
    held: 0,
    sent: 12,
    delivered: 0,
    failed: 0,
    expired: 0,
    done: true,
    sendAt: null,
    expiresAt: null,
    publishedBy: null,
  })
  t.same(sender.sent.map((s) => s.to).sort(), Array.from({ length: 12 }, (_, i) => phone(i)).sort(), 'each subscriber exactly once')
  // Virtual time moves 10 ms a tick and 500 ms is a whole number of ticks, so every slot is hit exactly.
  t.same(
    gaps(sentAt),
    Array.from({ length: 11 }, () => 500),
    '12 sends, each exactly one 500 ms slot after the previous',
  )
  t.equal(sender.sent[0]?.body, 'A seat opened in CS2500-01\nText UNSUB CS2500-01 to stop.', 'the text, with how to stop that topic')
})

t.test('timers that fire a little late do not slow the rate: slots keep to the schedule', async (t) => {
  // 3 a second is a slot every 333.3 ms; virtual time moves 2 ms at a time, so every wake-up is up to 2 ms late.
  const { db, clock, sentAt, drain } = await setup(t, 31, { ratePerSecond: 3 }, 2)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.match(await drain(published.id), { recipients: 31, queued: 0, sent: 31, failed: 0, done: true })
  t.equal(sentAt.length, 31)
  // Send i goes at the first 2 ms tick at or after its slot i × 333.3 ms: 0, 334, 668, 1000, 1334 … 10 000.
  const schedule = Array.from({ length: 31 }, (_, i) => Math.ceil((i * 1000) / 3 / 2) * 2)
  t.same(
    sentAt.map((at) => at - (sentAt[0] as number)),
    schedule,
    'each send on the first tick of its slot; drifting by each lateness would end near 10 030',
  )
  t.equal((sentAt.at(-1) as number) - (sentAt[0] as number), 10_000, '30 intervals took exactly 10 000 ms')
})

t.test('above 1 000 a second, a millisecond of slots is taken at once and the rate still holds', async (t) => {
  // 5 000 a second is a slot every 0.2 ms: five to a millisecond, taken in one statement and used in order.
  const { db, clock, sentAt, drain } = await setup(t, 60, { ratePerSecond: 5000 }, 1)
  const start = clock.now().getTime()
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.match(await drain(published.id), { recipients: 60, queued: 0, sent: 60, failed: 0, done: true })
  t.equal(sentAt.length, 60)
  const perMs = new Map<number, number>()
  for (const at of sentAt) perMs.set(at, (perMs.get(at) ?? 0) + 1)
  t.ok(Math.max(...perMs.values()) <= 5, `at most five sends in any millisecond (saw ${JSON.stringify([...perMs.values()])})`)
  t.ok((sentAt.at(-1) as number) - (sentAt[0] as number) >= 11, '60 sends took at least the 11 ms the rate allows after the first five')
  const schedule = await db.selectFrom('send_schedule').select('next_slot_ms').executeTakeFirstOrThrow()
  t.ok(Number(schedule.next_slot_ms) >= start + 12, 'the shared schedule advanced by every slot taken (60 × 0.2 ms at least)')
})

t.test('reserved slots more than a millisecond old are dropped, not spent in a burst', async (t) => {
  // Seven recipients take two blocks of five slots: three are left when the first notification is done.
  const { db, clock, sentAt, drain } = await setup(t, 7, { ratePerSecond: 5000 }, 1)
  const first = await enqueueNotification(db, 'CS2500-01', 'first', clock.now())
  t.match(await drain(first.id), { sent: 7, done: true })
  const slotsAfterFirst = Number((await db.selectFrom('send_schedule').select('next_slot_ms').executeTakeFirstOrThrow()).next_slot_ms)
  clock.advance(50)
  const second = await enqueueNotification(db, 'CS2500-01', 'second', clock.now())
  t.match(await drain(second.id), { sent: 7, done: true })
  const slotsAfterSecond = Number((await db.selectFrom('send_schedule').select('next_slot_ms').executeTakeFirstOrThrow()).next_slot_ms)
  const secondStart = sentAt[7] as number
  t.ok(secondStart >= slotsAfterFirst + 50, 'the second notification started 50 ms after the first ended')
  t.ok(
    slotsAfterSecond >= secondStart + 7 * 0.2,
    'its slots were taken afresh from the schedule, restarted at its start; the three left over were dropped',
  )
})

t.test('429 and 5xx are retried with backoff, then given up after the last attempt', async (t) => {
  const { db, clock, sender, sentAt, drain } = await setup(t, 2)
  sender.failNext(new SendError('Too Many Requests', true, 429, 20429), new SendError('unavailable', true, 503))
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  const progress = await drain(published.id)
  t.match(progress, { recipients: 2, queued: 0, sent: 2, failed: 0, done: true }, 'both delivered after retries')
  // Row 1 fails at s (429), row 2 at s + 1 s (503); each is retried backoffMs(0, 0.5) = 1.5 s later, and the
  // retries take the next free slots at the rate of 1 a second: s + 2 s and s + 3 s. Each row: one failure, one send.
  t.same(gaps(sentAt), [1000, 1000, 1000], 'four attempts in all, one per slot')
  t.same(
    sender.sent.map((s) => s.to),
    [phone(0), phone(1)],
    'each delivered once',
  )
  const rows = await db.selectFrom('outbox').select(['phone', 'attempts', 'status', 'next_attempt_at']).orderBy('id').execute()
  t.same(
    rows,
    [
      { phone: phone(0), attempts: 2, status: 'sent', next_attempt_at: iso((sentAt[0] as number) + 1500) },
      { phone: phone(1), attempts: 2, status: 'sent', next_attempt_at: iso((sentAt[1] as number) + 1500) },
    ],
    'each row: the failed attempt and the successful retry, 1.5 s after its failure',
  )

  const giveUp = await setup(t, 1)
  giveUp.sender.failNext(...Array.from({ length: 3 }, () => new SendError('unavailable', true, 503, 20503)))
  const second = await enqueueNotification(giveUp.db, 'CS2500-01', 'hello', giveUp.clock.now())
  t.match(await giveUp.drain(second.id), { recipients: 1, queued: 0, sent: 0, failed: 1, done: true })
  t.equal(giveUp.sentAt.length, 3, 'maxAttempts (3) attempts, no fourth')
  t.same(giveUp.sender.sent, [], 'nothing delivered')
  const row = await giveUp.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.match(row, { status: 'failed', attempts: 3, error_code: 20503, error_message: 'unavailable', lease_until: null })

  // Not a SendError (a bug or a broken HTTP client below the sender): retried like a 5xx, then given up with no code.
  const broken = await setup(t, 1)
  broken.sender.failNext(...Array.from({ length: 3 }, () => new Error('socket hang up')))
  const third = await enqueueNotification(broken.db, 'CS2500-01', 'hello', broken.clock.now())
  t.match(await broken.drain(third.id), { recipients: 1, queued: 0, sent: 0, failed: 1, done: true })
  t.equal(broken.sentAt.length, 3, 'retried up to maxAttempts')
  t.match(await broken.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow(), {
    status: 'failed',
    attempts: 3,
    error_code: null,
    error_message: 'socket hang up',
  })
  t.equal(
    backoffMs(0, () => 0.5),
    1500,
  )
  t.equal(
    backoffMs(3, () => 1),
    16_000,
  )
  t.equal(
    backoffMs(20, () => 0),
    150_000,
    'capped',
  )
})

t.test('permanent errors: 21610 opts the phone out, 21211 and 21614 mark it invalid, neither is retried', async (t) => {
  const { db, clock, sender, sentAt, drain } = await setup(t, 3)
  sender.failNext(
    new SendError('unsubscribed recipient', false, 400, 21610),
    new SendError('invalid To', false, 400, 21211),
    new SendError('not a mobile', false, 400, 21614),
  )
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.match(await drain(published.id), { recipients: 3, queued: 0, sent: 0, failed: 3, done: true })
  t.equal(sentAt.length, 3, 'one attempt each: nothing is retried')
  const outbox = await db.selectFrom('outbox').select(['phone', 'status', 'attempts', 'error_code']).orderBy('id').execute()
  t.same(outbox, [
    { phone: phone(0), status: 'failed', attempts: 1, error_code: 21610 },
    { phone: phone(1), status: 'failed', attempts: 1, error_code: 21211 },
    { phone: phone(2), status: 'failed', attempts: 1, error_code: 21614 },
  ])
  const phones = await db.selectFrom('phones').select(['phone', 'opted_out_at', 'invalid_at']).orderBy('phone').execute()
  t.same(
    phones,
    [
      { phone: phone(0), opted_out_at: iso(sentAt[0]), invalid_at: null },
      { phone: phone(1), opted_out_at: null, invalid_at: iso(sentAt[1]) },
      { phone: phone(2), opted_out_at: null, invalid_at: iso(sentAt[2]) },
    ],
    '21610: opted out; 21211 and 21614: invalid; each at the time of its refused send',
  )
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 3, 'subscriptions are kept')
  t.same(
    await db
      .selectFrom('consent_records')
      .select(['phone', 'at', 'action', 'source', 'topic_key', 'detail'])
      .where('action', '!=', 'subscribe')
      .execute(),
    [{ phone: phone(0), at: iso(sentAt[0]), action: 'opt_out', source: 'twilio', topic_key: null, detail: '21610' }],
    'the 21610 answer is one consent record',
  )
  const next = await enqueueNotification(db, 'CS2500-01', 'again', clock.now())
  t.equal(next.recipients, 0, 'nobody is queued for the next notification')
})

t.test('an opt-out after publishing is honoured before the send', async (t) => {
  const { db, clock, sender, sentAt, drain } = await setup(t, 2)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.equal(published.recipients, 2)
  await setOptedOut(db, phone(0), true, clock.now())
  t.match(await drain(published.id), { recipients: 2, queued: 0, sent: 1, failed: 1, done: true })
  t.same(
    sender.sent.map((s) => s.to),
    [phone(1)],
  )
  t.equal(sentAt.length, 1, 'the opted-out phone never reached the sender')
  const rows = await db.selectFrom('outbox').select(['phone', 'status', 'attempts', 'error_code', 'error_message']).orderBy('id').execute()
  t.same(rows, [
    { phone: phone(0), status: 'failed', attempts: 1, error_code: null, error_message: 'opted out before sending' },
    { phone: phone(1), status: 'sent', attempts: 1, error_code: null, error_message: null },
  ])
})

t.test('a lease left by a dead process is claimed again only after it expires', async (t) => {
  const { db, clock, sender, drain } = await setup(t, 1)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  const claimed = await claimDue(db, clock.now(), 30_000, 10)
  t.match(
    claimed,
    [{ phone: phone(0), status: 'sending', lease_until: iso(clock.now().getTime() + 30_000) }],
    'a first process claims the row and dies',
  )
  t.equal(claimed.length, 1)
  t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'a live lease is not taken')
  clock.advance(29_999)
  t.same(await claimDue(db, clock.now(), 30_000, 10), [])
  clock.advance(2)
  const progress = await drain(published.id)
  t.match(progress, { recipients: 1, queued: 0, sent: 1, failed: 0, done: true }, 'the expired lease was claimed and sent')
  t.same(
    sender.sent.map((s) => s.to),
    [phone(0)],
    'sent once, by the second process',
  )
  t.match(await db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow(), { status: 'sent', attempts: 1, lease_until: null })
})

t.test('stop: no new claims, in-flight sends finish, unstarted claims are given back', async (t) => {
  const { db, clock, sender, dispatcher, tickUntil } = await setup(t, 5, { ratePerSecond: 0.5 })
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  dispatcher.start()
  // One slot every 2 s: stop right after the first send, while the other four claimed rows wait for their slots.
  await tickUntil(() => sender.sent.length >= 1, 'the first send')
  await dispatcher.stop()
  t.same(
    sender.sent.map((s) => s.to),
    [phone(0)],
    'only the first send started',
  )
  const rows = await db.selectFrom('outbox').select(['phone', 'status', 'attempts', 'lease_until']).orderBy('id').execute()
  t.same(
    rows,
    [
      { phone: phone(0), status: 'sent', attempts: 1, lease_until: null },
      ...[1, 2, 3, 4].map((i) => ({ phone: phone(i), status: 'queued', attempts: 0, lease_until: null })),
    ],
    'the in-flight send was recorded; the unstarted claims were given back, not counted as attempts',
  )
  const progress = await notificationProgress(db, published.id, clock.now())
  t.match(progress, { recipients: 5, queued: 4, sent: 1, failed: 0, done: false }, 'nothing lost: the rest waits for the next start')
  dispatcher.start()
  await tickUntil(
    async () => (await notificationProgress(db, published.id, clock.now()))?.done === true,
    'the restarted dispatcher to drain',
  )
  await dispatcher.stop()
  t.same(
    sender.sent.map((s) => s.to),
    [0, 1, 2, 3, 4].map(phone),
    'resumed after a restart, each once',
  )
})

t.test('the body cache is bounded: beyond its size the oldest notification text is dropped and read again', async (t) => {
  const { db, clock, sender, drain } = await setup(t, 1, { bodyCacheSize: 1 })
  const requeue = async (id: number) => {
    await db
      .insertInto('outbox')
      .values({
        notification_id: id,
        phone: phone(0),
        status: 'queued',
        next_attempt_at: clock.now().toISOString(),
        lease_until: null,
        sid: null,
        error_code: null,
        error_message: null,
        updated_at: clock.now().toISOString(),
      })
      .execute()
  }
  const first = await enqueueNotification(db, 'CS2500-01', 'first text', clock.now())
  await drain(first.id)
  // The text changes under the cache (it never does in use): what is sent shows whether the cache was read.
  await db.updateTable('notifications').set({ body: 'first text, read again' }).where('id', '=', first.id).execute()
  await requeue(first.id)
  await drain(first.id)
  t.equal(sender.sent.at(-1)?.body, 'first text\nText UNSUB CS2500-01 to stop.', 'within the bound, the cached text is used')
  const second = await enqueueNotification(db, 'CS2500-01', 'second text', clock.now())
  await drain(second.id)
  await requeue(first.id)
  await drain(first.id)
  t.equal(
    sender.sent.at(-1)?.body,
    'first text, read again\nText UNSUB CS2500-01 to stop.',
    'a second notification pushed the first out of a cache of one',
  )
})
