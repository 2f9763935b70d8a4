// Retention on an injected clock, on SQLite and PostgreSQL: rows past each window pruned, the rest kept,
// notification counts unchanged, batches bounded.
import t from 'tap'
import { buildApp } from '../src/app.js'
import type { Db } from '../src/database.js'
import {
  claimDue,
  enqueueNotification,
  notificationProgress,
  pruneFinishedOutbox,
  recordDeliveryStatus,
  recordFailed,
  recordSentMany,
} from '../src/notify/queries.js'
import { rememberPhone } from '../src/phones/queries.js'
import { createProfile, createSession, sessionProfile } from '../src/profiles/queries.js'
import { pruneOnce, startRetention } from '../src/retention.js'
import { startLogin } from '../src/auth/queries.js'
import { saveMenu } from '../src/sms/conversations.js'
import { claimMessage, pruneInboundMessages } from '../src/sms/queries.js'
import { saveTopic, subscribe } from '../src/topics/queries.js'
import {
  failuresLastDay,
  loadHistory,
  pendingCode,
  pruneOtpCodes,
  pruneOtpEvents,
  recordEvent,
  storeCode,
  claimLink,
} from '../src/verify/queries.js'
import { buildTestApp, DATABASES, memoryLogger, recordingSender, testClock, testConfig, testDb, testDbOf } from './helpers.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const ADMIN = 'admin-token-0123456789abcdef'
const CONFIG = { inboundDays: 7, outboxDays: 30 }
const phone = (i: number) => `+1617555${String(1000 + i)}`

/** A moment `ms` before the clock's now. */
const ago = (clock: { now(): Date }, ms: number) => new Date(clock.now().getTime() - ms)

const count = async (db: Db, table: 'inbound_messages' | 'otp_events' | 'otp_codes' | 'sessions' | 'outbox') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

/** A notification to `recipients` subscribers, published at `at`, whose rows end sent, delivered and failed (and `queued` left queued). */
async function finishedNotification(db: Db, at: Date, outcomes: { sent: number; delivered: number; failed: number; queued?: number }) {
  const recipients = outcomes.sent + outcomes.delivered + outcomes.failed + (outcomes.queued ?? 0)
  const key = `T${at.getTime()}`
  await saveTopic(db, key, 'A topic', at)
  for (let i = 0; i < recipients; i++) {
    await rememberPhone(db, phone(i), at)
    await subscribe(db, phone(i), key, 100, at)
  }
  const { id } = await enqueueNotification(db, key, 'hello', at)
  const rows = (await claimDue(db, at, 30_000, 1000)).filter((row) => row.notification_id === id)
  const toSend = rows.slice(0, outcomes.sent + outcomes.delivered)
  await recordSentMany(
    db,
    toSend.map((row) => ({ ...row, sid: `SM${id}x${row.id}` })),
    at,
  )
  for (const row of toSend.slice(outcomes.sent))
    await recordDeliveryStatus(db, `SM${id}x${row.id}`, 'delivered', null, new Date(at.getTime() + MINUTE))
  for (const row of rows.slice(toSend.length, toSend.length + outcomes.failed)) await recordFailed(db, row, 21211, 'invalid', at)
  // What is left goes back to queued: a notification still being sent.
  await db
    .updateTable('outbox')
    .set({ status: 'queued', lease_until: null })
    .where('id', 'in', [0, ...rows.slice(toSend.length + outcomes.failed).map((row) => row.id)])
    .execute()
  return id
}

for (const database of DATABASES)
  t.test(`${database}: each table loses only the rows past its window`, async (t) => {
    const { db } = await testDbOf(t, database)
    t.teardown(() => db.destroy())
    const clock = testClock('2026-12-31T12:00:00.000Z')

    // inbound_messages: INBOUND_RETENTION_DAYS (7).
    await claimMessage(db, 'SMold', phone(1), ago(clock, 7 * DAY + 1))
    await claimMessage(db, 'SMkept', phone(1), ago(clock, 7 * DAY - 1))
    // otp_events: the 24 h window of the failure rule; an event inside it still counts.
    await recordEvent(db, 'failure', phone(2), '203.0.113.7', ago(clock, DAY + 1))
    await recordEvent(db, 'send', phone(2), '203.0.113.7', ago(clock, DAY + 1))
    await recordEvent(db, 'failure', phone(2), '203.0.113.7', ago(clock, DAY - 1))
    await recordEvent(db, 'send', phone(2), '203.0.113.7', ago(clock, 10 * MINUTE))
    // otp_codes: expired more than a day ago; one expired an hour ago, one live.
    await storeCode(db, phone(3), 'a'.repeat(64), ago(clock, DAY + 10 * MINUTE + 1), 600)
    await storeCode(db, phone(4), 'b'.repeat(64), ago(clock, HOUR + 10 * MINUTE), 600)
    await storeCode(db, phone(5), 'c'.repeat(64), ago(clock, MINUTE), 600)
    // sessions: expired ones go, live ones stay.
    const profile = await createProfile(db, 'Ada', ago(clock, 40 * DAY))
    const expired = await createSession(db, profile, ago(clock, 31 * DAY), 30)
    const live = await createSession(db, profile, ago(clock, 29 * DAY), 30)
    // signin_links: a used link's id is kept until the link expires (it is refused by its own expiry after that).
    await claimLink(db, 'usedexpired1', phone(6), ago(clock, 1), ago(clock, 20 * MINUTE))
    await claimLink(db, 'usedlive0001', phone(6), new Date(clock.now().getTime() + 10 * MINUTE), ago(clock, MINUTE))
    // conversations: a menu that expired goes; one still open stays.
    await saveMenu(db, phone(7), { first: 1, keys: ['CS1'] }, ago(clock, 1))
    await saveMenu(db, phone(8), { first: 1, keys: ['CS1'] }, new Date(clock.now().getTime() + 10 * MINUTE))

    // oidc_logins: a sign-in started 20 minutes ago (expired after ten) goes; one just started stays.
    await startLogin(db, { state: 'new-state', nonce: 'n', codeVerifier: 'v', returnTo: null }, clock.now())
    await startLogin(db, { state: 'old-state', nonce: 'n', codeVerifier: 'v', returnTo: null }, ago(clock, 20 * MINUTE))

    const historyBefore = await loadHistory(db, phone(2), '203.0.113.7', clock.now())
    const pruned = await pruneOnce(db, clock.now(), CONFIG)
    t.same(pruned, {
      removed: {
        inboundMessages: 1,
        otpEvents: 2,
        otpCodes: 1,
        signinLinks: 1,
        sessions: 1,
        outbox: 0,
        events: 0,
        oidcLogins: 1,
        conversations: 1,
      },
      complete: true,
    })
    t.same(
      (await db.selectFrom('conversations').select('phone').execute()).map((r) => r.phone),
      [phone(8)],
      'an open conversation is kept',
    )
    t.same(
      (await db.selectFrom('signin_links').select('id').execute()).map((r) => r.id),
      ['usedlive0001'],
      'a used link is remembered until it expires',
    )

    t.same(
      (await db.selectFrom('inbound_messages').select('message_sid').execute()).map((r) => r.message_sid),
      ['SMkept'],
    )
    t.equal(await count(db, 'otp_events'), 2)
    t.same(await loadHistory(db, phone(2), '203.0.113.7', clock.now()), historyBefore, 'no rule sees a difference')
    t.same(await failuresLastDay(db, phone(2), clock.now()), [ago(clock, DAY - 1)])
    t.equal(await pendingCode(db, phone(3)), undefined, 'expired over a day ago: gone')
    t.ok(await pendingCode(db, phone(4)), 'expired an hour ago: kept (its check still says "expired")')
    t.ok(await pendingCode(db, phone(5)), 'live: kept')
    t.same(
      (await db.selectFrom('sessions').select('id').execute()).map((r) => r.id),
      [live],
    )
    t.equal(await sessionProfile(db, expired, clock.now()), undefined)
    t.equal(await sessionProfile(db, live, clock.now()), profile)

    t.same(
      await pruneOnce(db, clock.now(), CONFIG),
      {
        removed: {
          inboundMessages: 0,
          otpEvents: 0,
          otpCodes: 0,
          signinLinks: 0,
          sessions: 0,
          outbox: 0,
          events: 0,
          oidcLogins: 0,
          conversations: 0,
        },
        complete: true,
      },
      'a second run finds nothing',
    )
    clock.advance(DAY)
    t.same(
      (await pruneOnce(db, clock.now(), CONFIG)).removed,
      { inboundMessages: 1, otpEvents: 2, otpCodes: 1, signinLinks: 1, sessions: 1, outbox: 0, events: 0, oidcLogins: 1, conversations: 1 },
      'a day later the next rows are past',
    )
  })

for (const database of DATABASES)
  t.test(`${database}: the windows come from the configuration`, async (t) => {
    const { db } = await testDbOf(t, database)
    t.teardown(() => db.destroy())
    const clock = testClock()
    await claimMessage(db, 'SM2days', phone(1), ago(clock, 2 * DAY))
    t.equal((await pruneOnce(db, clock.now(), CONFIG)).removed.inboundMessages, 0)
    t.equal((await pruneOnce(db, clock.now(), { ...CONFIG, inboundDays: 1 })).removed.inboundMessages, 1)
  })

for (const database of DATABASES)
  t.test(
    `${database}: outbox rows of finished notifications go after OUTBOX_RETENTION_DAYS; the API answers the same counts`,
    async (t) => {
      const { app, db, clock } = await buildTestApp(t, {
        database,
        env: { ADMIN_TOKEN: ADMIN },
        clock: testClock('2026-12-31T12:00:00.000Z'),
      })
      const progress = async (id: number) =>
        (await app.inject({ method: 'GET', url: `/api/notifications/${id}`, headers: { authorization: `Bearer ${ADMIN}` } })).json<
          Record<string, unknown>
        >()

      const old = await finishedNotification(db, ago(clock, 31 * DAY), { sent: 3, delivered: 4, failed: 2 })
      const recent = await finishedNotification(db, ago(clock, 29 * DAY), { sent: 1, delivered: 1, failed: 1 })
      const unfinished = await finishedNotification(db, ago(clock, 40 * DAY), { sent: 1, delivered: 1, failed: 1, queued: 1 })
      const before = await Promise.all([old, recent, unfinished].map(progress))
      t.match(before[0], { recipients: 9, queued: 0, sent: 3, delivered: 4, failed: 2, done: true })
      t.match(before[2], { recipients: 4, queued: 1, done: false })

      const pruned = await pruneOnce(db, clock.now(), CONFIG)
      t.equal(pruned.removed.outbox, 9, 'every row of the old finished notification')
      t.same(await db.selectFrom('outbox').select('notification_id').where('notification_id', '=', old).execute(), [])
      t.equal(await count(db, 'outbox'), 3 + 4, 'the recent notification and the unfinished one keep all their rows')
      t.same(await Promise.all([old, recent, unfinished].map(progress)), before, 'GET /api/notifications/:id answers the same numbers')
      t.match(
        await db
          .selectFrom('notifications')
          .select(['pruned_sent', 'pruned_delivered', 'pruned_failed'])
          .where('id', '=', old)
          .executeTakeFirst(),
        { pruned_sent: 3, pruned_delivered: 4, pruned_failed: 2 },
      )

      // The unfinished one finishes; a month later all of it goes, and its counts stay.
      await db
        .updateTable('outbox')
        .set({ status: 'failed' })
        .where('notification_id', '=', unfinished)
        .where('status', '=', 'queued')
        .execute()
      const finished = await progress(unfinished)
      clock.advance(31 * DAY)
      t.equal((await pruneOnce(db, clock.now(), CONFIG)).removed.outbox, 3 + 4)
      t.equal(await count(db, 'outbox'), 0)
      t.same(await progress(unfinished), finished)
      t.same(await progress(recent), before[1])
    },
  )

for (const database of DATABASES)
  t.test(`${database}: each prune function removes at most its batch and says how many; a run stops at its bound`, async (t) => {
    const { db } = await testDbOf(t, database)
    t.teardown(() => db.destroy())
    const clock = testClock('2026-12-31T12:00:00.000Z')
    const long = ago(clock, 60 * DAY)
    for (let i = 0; i < 7; i++) {
      await claimMessage(db, `SM${i}`, phone(i), long)
      await recordEvent(db, 'send', phone(i), '203.0.113.7', long)
      await storeCode(db, phone(i), 'a'.repeat(64), long, 600)
    }
    const id = await finishedNotification(db, long, { sent: 2, delivered: 3, failed: 2 })
    const progressBefore = await notificationProgress(db, id, clock.now())

    t.equal(await pruneInboundMessages(db, clock.now(), 3), 3)
    t.equal(await pruneOtpEvents(db, clock.now(), 3), 3)
    t.equal(await pruneOtpCodes(db, clock.now(), 3), 3)
    t.equal(await pruneFinishedOutbox(db, clock.now(), 3), 3)
    t.same(await notificationProgress(db, id, clock.now()), progressBefore, 'counts hold between batches too')

    const limits = { batchSize: 2, maxBatches: 1 }
    const first = await pruneOnce(db, clock.now(), CONFIG, limits)
    t.same(
      first,
      {
        removed: {
          inboundMessages: 2,
          otpEvents: 2,
          otpCodes: 2,
          signinLinks: 0,
          sessions: 0,
          outbox: 2,
          events: 0,
          oidcLogins: 0,
          conversations: 0,
        },
        complete: false,
      },
      'one batch per table, then it stops',
    )
    const second = await pruneOnce(db, clock.now(), CONFIG, { batchSize: 2, maxBatches: 10 })
    t.same(
      second,
      {
        removed: {
          inboundMessages: 2,
          otpEvents: 2,
          otpCodes: 2,
          signinLinks: 0,
          sessions: 0,
          outbox: 2,
          events: 0,
          oidcLogins: 0,
          conversations: 0,
        },
        complete: true,
      },
      'batches until one comes back short',
    )
    t.equal(await count(db, 'inbound_messages'), 0)
    t.equal(await count(db, 'outbox'), 0)
    t.same(await notificationProgress(db, id, clock.now()), progressBefore)
  })

/** Waits (really) until `condition` holds, failing after `ms`. */
async function until(condition: () => Promise<boolean>, what: string, ms = 5000) {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

t.test('startRetention runs at once, catches up quickly while rows remain, logs what it removed, and stops', async (t) => {
  const db = await testDb(t)
  t.teardown(() => db.destroy())
  const clock = testClock()
  for (let i = 0; i < 5; i++) await claimMessage(db, `SM${i}`, phone(i), ago(clock, 8 * DAY))
  const { logger, lines } = memoryLogger()
  // An hour between runs: only the catch-up (5 ms) can empty the table within a few ticks.
  const retention = startRetention({
    db,
    clock,
    logger,
    config: CONFIG,
    intervalMs: HOUR,
    catchUpMs: 5,
    limits: { batchSize: 2, maxBatches: 1 },
  })
  await clock.tick(0)
  t.equal(await count(db, 'inbound_messages'), 3, 'the first run removed one batch at once')
  await clock.tick(5)
  await clock.tick(5)
  t.equal(await count(db, 'inbound_messages'), 0, 'two catch-up runs, 5 ms apart, removed the rest')
  await claimMessage(db, 'SMnext', phone(8), ago(clock, 8 * DAY))
  await clock.tick(HOUR - 1000)
  t.equal(await count(db, 'inbound_messages'), 1, 'no run before the hour')
  await clock.tick(1000)
  t.equal(await count(db, 'inbound_messages'), 0, 'the next run an hour after the last')
  await retention.stop()
  t.equal(clock.sleepers(), 0, 'stop ends the wait')
  const logged = lines
    .map((line) => JSON.parse(line) as { msg: string; removed: Record<string, number> })
    .filter((line) => line.msg === 'retention: old rows pruned')
  t.same(
    logged.map((line) => line.removed.inboundMessages),
    [2, 2, 1, 1],
  )
  await claimMessage(db, 'SMlater', phone(9), ago(clock, 8 * DAY))
  await clock.tick(2 * HOUR)
  t.equal(await count(db, 'inbound_messages'), 1, 'nothing runs after stop')
})

t.test('a failed run is logged and the next one tries again', async (t) => {
  const db = await testDb(t)
  const clock = testClock()
  await db.destroy()
  const { logger, lines } = memoryLogger()
  const retention = startRetention({ db, clock, logger, config: CONFIG, intervalMs: 5 })
  await clock.tick(0)
  await clock.tick(5)
  await retention.stop()
  t.equal(lines.filter((line) => line.includes('retention: pruning failed')).length, 2, 'two failed runs, 5 ms apart')
  t.match(JSON.parse(lines[0] as string), {
    level: 50,
    msg: 'retention: pruning failed; the next run tries again',
    err: { message: /driver has already been destroyed/ },
  })
})

t.test('the server prunes once ready and stops before the database closes; other apps never prune', async (t) => {
  const setup = async (dispatch: boolean) => {
    const config = testConfig(t)
    const db = await testDb(t, config.databasePath)
    const clock = testClock()
    await claimMessage(db, 'SMold', phone(1), ago(clock, 8 * DAY))
    const app = await buildApp({ config, db, sender: recordingSender(), logger: memoryLogger().logger, clock, dispatch })
    return { app, db, clock }
  }
  const server = await setup(true)
  await server.app.ready()
  await until(async () => (await count(server.db, 'inbound_messages')) === 0, 'the server to prune')
  await server.app.close()

  const other = await setup(false)
  t.teardown(() => other.app.close())
  await other.app.ready()
  await other.clock.tick(DAY)
  t.equal(await count(other.db, 'inbound_messages'), 1)
})

for (const database of DATABASES)
  t.test(`${database}: consent records are kept however old, and expired outbox rows keep their count when pruned`, async (t) => {
    const { db } = await testDbOf(t, database)
    t.teardown(() => db.destroy())
    const clock = testClock('2026-12-31T12:00:00.000Z')
    const long = ago(clock, 3650 * DAY)
    const { setOptedOut } = await import('../src/phones/queries.js')
    await setOptedOut(db, phone(0), true, long, { source: 'sms', detail: 'STOP' })
    const key = 'OLD'
    await saveTopic(db, key, 'Old', long)
    await rememberPhone(db, phone(1), long)
    await subscribe(db, phone(1), key, 20, long)
    const { id } = await enqueueNotification(db, key, 'hello', long, { expiresAt: new Date(long.getTime() + MINUTE) })
    t.same(await claimDue(db, new Date(long.getTime() + HOUR), 30_000, 10), [], 'claimed after its expiry: expired, not claimed')
    const before = await notificationProgress(db, id, clock.now())
    t.match(before, { expired: 1, done: true })
    await pruneOnce(db, clock.now(), CONFIG)
    t.equal(
      Number(
        (
          await db
            .selectFrom('consent_records')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      2,
      'the opt-out and the subscription, ten years on',
    )
    t.equal(await count(db, 'outbox'), 0)
    t.same(await notificationProgress(db, id, clock.now()), before, 'the pruned expired row is still counted')
  })
