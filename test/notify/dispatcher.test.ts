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
    db, sender, clock, logger, ratePerSecond: 1, concurrency: 10, leaseMs: 30_000, maxAttempts: 3, random: () => 0.5,
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
  /** Runs the dispatcher until nothing is queued or in flight for the notification. */
  const drain = async (id: number) => {
    dispatcher.start()
    for (let i = 0; i < 1_000_000; i++) {
      const progress = await notificationProgress(db, id)
      if (progress?.done === true) break
      await tick()
    }
    await dispatcher.stop()
    return notificationProgress(db, id)
  }
  return { db, clock, sender, sentAt, dispatcher, drain, lines, tick }
}

t.test('sends every recipient once, never faster than SEND_RATE_PER_SECOND', async (t) => {
  const { db, clock, sender, sentAt, drain } = await setup(t, 12, { ratePerSecond: 2 })
  const published = await enqueueNotification(db, 'cs2500-01', 'A seat opened in CS2500-01', clock.now())
  t.same(published, { id: 1, recipients: 12, segments: 1 })
  const progress = await drain(published.id)
  t.match(progress, { recipients: 12, queued: 0, sent: 12, failed: 0, done: true })
  t.same(sender.sent.map((s) => s.to).sort(), Array.from({ length: 12 }, (_, i) => phone(i)).sort(), 'each subscriber exactly once')
  for (let i = 1; i < sentAt.length; i++) t.ok((sentAt[i] as number) - (sentAt[i - 1] as number) >= 500, `send ${i} starts ≥ 500 ms after the previous`)
  t.equal(sender.sent[0]?.body, 'A seat opened in CS2500-01')
})

t.test('timers that fire a little late do not slow the rate: slots keep to the schedule', async (t) => {
  // 3 a second is a slot every 333.3 ms; virtual time moves 2 ms at a time, so every wake-up is up to 2 ms late.
  const { db, clock, sentAt, drain } = await setup(t, 31, { ratePerSecond: 3 }, 2)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.match(await drain(published.id), { sent: 31, done: true })
  const span = (sentAt.at(-1) as number) - (sentAt[0] as number)
  t.ok(span >= 10_000 && span <= 10_002, `30 intervals took ${span} ms (10 000 expected; drifting by each lateness would take ~10 030)`)
  for (let i = 1; i < sentAt.length; i++) t.ok((sentAt[i] as number) - (sentAt[i - 1] as number) >= 331, `gap ${i} is at least a slot minus the lateness`)
})

t.test('429 and 5xx are retried with backoff, then given up after the last attempt', async (t) => {
  const { db, clock, sender, drain } = await setup(t, 2)
  sender.failNext(new SendError('Too Many Requests', true, 429, 20429), new SendError('unavailable', true, 503))
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  const progress = await drain(published.id)
  t.match(progress, { sent: 2, failed: 0 }, 'both delivered after retries')
  const rows = await db.selectFrom('outbox').select(['phone', 'attempts', 'status']).orderBy('id').execute()
  t.ok(rows.some((r) => r.attempts > 1), 'a row needed more than one attempt')

  const giveUp = await setup(t, 1)
  giveUp.sender.failNext(...Array.from({ length: 3 }, () => new SendError('unavailable', true, 503, 20503)))
  const second = await enqueueNotification(giveUp.db, 'CS2500-01', 'hello', giveUp.clock.now())
  t.match(await giveUp.drain(second.id), { sent: 0, failed: 1, done: true })
  const row = await giveUp.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.match(row, { status: 'failed', attempts: 3, error_code: 20503 })
  t.equal(backoffMs(0, () => 0.5), 1500)
  t.equal(backoffMs(3, () => 1), 16_000)
  t.equal(backoffMs(20, () => 0), 150_000, 'capped')
})

t.test('permanent errors: 21610 opts the phone out, 21211 and 21614 mark it invalid, neither is retried', async (t) => {
  const { db, clock, sender, drain } = await setup(t, 3)
  sender.failNext(new SendError('unsubscribed recipient', false, 400, 21610), new SendError('invalid To', false, 400, 21211), new SendError('not a mobile', false, 400, 21614))
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  t.match(await drain(published.id), { sent: 0, failed: 3, done: true })
  const codes = (await db.selectFrom('outbox').select('error_code').orderBy('id').execute()).map((r) => r.error_code)
  t.same(codes, [21610, 21211, 21614])
  const phones = await db.selectFrom('phones').select(['phone', 'opted_out_at', 'invalid_at']).orderBy('phone').execute()
  t.not(phones[0]?.opted_out_at, null, '21610: opted out')
  t.equal(phones[0]?.invalid_at, null)
  t.not(phones[1]?.invalid_at, null, '21211: invalid')
  t.not(phones[2]?.invalid_at, null, '21614: invalid')
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 3, 'subscriptions are kept')
  const next = await enqueueNotification(db, 'CS2500-01', 'again', clock.now())
  t.equal(next.recipients, 0, 'nobody is queued for the next notification')
})

t.test('an opt-out after publishing is honoured before the send', async (t) => {
  const { db, clock, sender, drain } = await setup(t, 2)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  await setOptedOut(db, phone(0), true, clock.now())
  t.match(await drain(published.id), { sent: 1, failed: 1 })
  t.same(sender.sent.map((s) => s.to), [phone(1)])
})

t.test('a lease left by a dead process is claimed again only after it expires', async (t) => {
  const { db, clock, drain } = await setup(t, 1)
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  const claimed = await claimDue(db, clock.now(), 30_000, 10)
  t.equal(claimed.length, 1, 'a first process claims the row and dies')
  t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'a live lease is not taken')
  clock.advance(29_999)
  t.same(await claimDue(db, clock.now(), 30_000, 10), [])
  clock.advance(2)
  const progress = await drain(published.id)
  t.match(progress, { sent: 1, done: true }, 'the expired lease was claimed and sent')
})

t.test('stop: no new claims, in-flight sends finish, unstarted claims are given back', async (t) => {
  const { db, clock, sender, dispatcher, tick } = await setup(t, 5, { ratePerSecond: 0.5 })
  const published = await enqueueNotification(db, 'CS2500-01', 'hello', clock.now())
  dispatcher.start()
  while (sender.sent.length < 1) await tick()
  await dispatcher.stop()
  const rows = await db.selectFrom('outbox').select(['status', 'lease_until']).execute()
  t.same(rows.filter((r) => r.status === 'sending'), [], 'no row is left claimed')
  const progress = await notificationProgress(db, published.id)
  t.equal((progress?.sent ?? 0) + (progress?.queued ?? 0), 5, 'nothing lost')
  t.ok((progress?.queued ?? 0) > 0, 'the rest waits for the next start')
  dispatcher.start()
  while ((await notificationProgress(db, published.id))?.done !== true) await tick()
  await dispatcher.stop()
  t.equal(sender.sent.length, 5, 'resumed after a restart, each once')
})
