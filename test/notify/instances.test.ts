// Dispatch across instances sharing one database: claims with tokens, outcomes only by the holder, one global rate.
import t from 'tap'
import { createDispatcher } from '../../src/notify/dispatcher.js'
import {
  claimDue,
  enqueueNotification,
  notificationProgress,
  recordFailed,
  recordRetry,
  recordSent,
  releaseClaim,
  takeSendSlot,
} from '../../src/notify/queries.js'
import { openDatabase } from '../../src/database.js'
import { rememberPhone } from '../../src/phones/queries.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { DATABASES, memoryLogger, recordingSender, testClock, testDbOf, type TapT } from '../helpers.js'

const phone = (i: number) => `+1617555${String(1000 + i)}`

async function withAudience(t: TapT, kind: (typeof DATABASES)[number], recipients: number) {
  const { db, location } = await testDbOf(t, kind)
  t.teardown(() => db.destroy())
  const clock = testClock()
  await saveTopic(db, 'CS2500-01', 'Fundamentals', clock.now())
  for (let i = 0; i < recipients; i++) {
    await rememberPhone(db, phone(i), clock.now())
    await subscribe(db, phone(i), 'CS2500-01', 20, clock.now())
  }
  const { id } = await enqueueNotification(db, 'CS2500-01', 'A seat opened', clock.now())
  return { db, location, clock, id }
}

for (const kind of DATABASES) {
  t.test(`${kind}: an instance whose lease ran out cannot record over the instance that took the row`, async (t) => {
    const { db, clock } = await withAudience(t, kind, 1)
    const [first] = await claimDue(db, clock.now(), 30_000, 10)
    t.ok(first?.claim_token, 'a claim carries a token')
    t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'a live claim is not taken')
    clock.advance(30_001)
    const [second] = await claimDue(db, clock.now(), 30_000, 10)
    t.equal(second?.id, first?.id, 'the expired claim is taken over')
    t.not(second?.claim_token, first?.claim_token, 'under a new token')
    const stale = first as NonNullable<typeof first>
    t.equal(await recordSent(db, stale, 'SM00000000000000000000000000000001', clock.now()), false, 'the old holder cannot record a send')
    t.equal(await recordRetry(db, stale, clock.now(), 'x', clock.now()), false, '…nor a retry')
    t.equal(await recordFailed(db, stale, 21211, 'x', clock.now()), false, '…nor a failure')
    t.equal(await releaseClaim(db, stale, clock.now()), false, '…nor give the row back')
    t.match(await db.selectFrom('outbox').select(['status', 'claim_token', 'sid', 'attempts']).executeTakeFirst(), {
      status: 'sending',
      claim_token: second?.claim_token,
      sid: null,
      attempts: 0,
    })
    t.equal(
      await recordSent(db, second as NonNullable<typeof second>, 'SM00000000000000000000000000000002', clock.now()),
      true,
      'the holder records it',
    )
    t.match(await db.selectFrom('outbox').select(['status', 'sid', 'attempts']).executeTakeFirst(), {
      status: 'sent',
      sid: 'SM00000000000000000000000000000002',
      attempts: 1,
    })
  })

  t.test(`${kind}: a row that has a Twilio sid is never claimed again`, async (t) => {
    const { db, clock } = await withAudience(t, kind, 1)
    await db
      .updateTable('outbox')
      .set({ status: 'sending', sid: 'SM00000000000000000000000000000009', lease_until: '2000-01-01T00:00:00.000Z' })
      .execute()
    t.same(await claimDue(db, clock.now(), 30_000, 10), [])
    await db.updateTable('outbox').set({ status: 'queued' }).execute()
    t.same(await claimDue(db, clock.now(), 30_000, 10), [])
  })

  t.test(`${kind}: rows with a sid never take a claim's places from the rows that are due`, async (t) => {
    const { db, clock } = await withAudience(t, kind, 6)
    const ids = (await db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id)
    // Four rows that (against the rules) are sending with a sid and an expired lease, then two that are due.
    for (const id of ids.slice(0, 4)) {
      await db
        .updateTable('outbox')
        .set({ status: 'sending', sid: `SM${String(id).padStart(32, '0')}`, lease_until: '2000-01-01T00:00:00.000Z' })
        .where('id', '=', id)
        .execute()
    }
    const claimed = await claimDue(db, clock.now(), 30_000, 4)
    t.same(
      claimed.map((r) => r.id),
      ids.slice(4),
      'the two due rows are claimed; the four with a sid are not even looked at',
    )
  })

  // Several instances are PostgreSQL's: better-sqlite3 waits for a lock synchronously, so two handles on one file in
  // one process would wait on each other (SQLite serves one process; the CLI, another process, waits its turn).
  if (kind === 'postgres')
    t.test(`${kind}: simultaneous claims from several instances never share a row`, async (t) => {
      const { db, location, clock } = await withAudience(t, kind, 40)
      const instances = Array.from({ length: 4 }, () => openDatabase(location, { poolMax: 3 }))
      t.teardown(() => Promise.all(instances.map((i) => i.destroy())))
      const batches = await Promise.all(
        instances.flatMap((i) => [claimDue(i, clock.now(), 30_000, 7), claimDue(i, clock.now(), 30_000, 7)]),
      )
      const claims = batches.flat()
      t.equal(claims.length, 40, 'every row claimed once')
      t.equal(new Set(claims.map((c) => c.id)).size, 40, 'no row twice')
      const tokens = batches.filter((b) => b.length > 0).map((b) => new Set(b.map((c) => c.claim_token)))
      t.ok(
        tokens.every((set) => set.size === 1),
        'one token per claim',
      )
      t.equal(new Set(tokens.flatMap((set) => [...set])).size, tokens.length, 'a new token for each claim')
      t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'nothing left')
    })

  if (kind === 'postgres')
    t.test(`${kind}: two instances together keep to SEND_RATE_PER_SECOND, every recipient once`, async (t) => {
      const { location, clock, id, db } = await withAudience(t, kind, 16)
      const sentAt: number[] = []
      const sender = recordingSender()
      const send = sender.send.bind(sender)
      sender.send = async (sms) => {
        sentAt.push(clock.now().getTime())
        return send(sms)
      }
      // Virtual time moves only while both instances wait in their `sleep`: a PostgreSQL round trip (real time, slow
      // under load) never makes a send late on the virtual clock.
      const asleep: Array<() => number> = []
      const instances = [0, 1].map(() => {
        const own = openDatabase(location, { poolMax: 3 })
        t.teardown(() => own.destroy())
        let sleeping = 0
        asleep.push(() => sleeping)
        const sleep = async (ms: number, wake: AbortSignal) => {
          const until = clock.now().getTime() + ms
          sleeping++
          while (clock.now().getTime() < until && !wake.aborted) await new Promise((resolve) => setImmediate(resolve))
          sleeping--
        }
        return createDispatcher({
          db: own,
          sender,
          clock,
          logger: memoryLogger().logger,
          ratePerSecond: 2,
          concurrency: 4,
          leaseMs: 30_000,
          maxAttempts: 3,
          sleep,
          idleMs: 100,
        })
      })
      for (const dispatcher of instances) dispatcher.start()
      for (let i = 0; i < 200_000 && (await notificationProgress(db, id, clock.now()))?.done !== true; i++) {
        if (asleep.every((sleeping) => sleeping() > 0)) clock.advance(10)
        await new Promise((resolve) => setImmediate(resolve))
      }
      await Promise.all(instances.map((d) => d.stop()))
      t.match(await notificationProgress(db, id, clock.now()), { sent: 16, queued: 0, done: true })
      t.same(sender.sent.map((s) => s.to).sort(), Array.from({ length: 16 }, (_, i) => phone(i)).sort(), 'each recipient exactly once')
      const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number))
      t.comment(`sent at +${sentAt.map((at) => at - (sentAt[0] as number)).join(', +')} ms`)
      // Each send within a 10 ms tick of its slot; the slots themselves are exact (see the simultaneous takeSendSlot test).
      t.ok(
        gaps.every((gap) => gap >= 500 - 10),
        `never two sends closer than 500 ms less one tick, whichever instance sent them (${gaps.join(', ')})`,
      )
      const span = (sentAt.at(-1) as number) - (sentAt[0] as number)
      t.ok(span <= 7500 * 1.02, `15 intervals in ${span} ms: within 2 % of the rate while there is work`)
    })
}

for (const kind of DATABASES) {
  t.test(`${kind}: the send schedule is shared: simultaneous slot takers get consecutive, distinct slots`, async (t) => {
    const { location, clock } = await withAudience(t, kind, 0)
    const instances =
      kind === 'postgres' ? Array.from({ length: 4 }, () => openDatabase(location, { poolMax: 4 })) : [openDatabase(location)]
    t.teardown(() => Promise.all(instances.map((i) => i.destroy())))
    const rate = { intervalMs: 500, latenessMs: 5 }
    const now = clock.now()
    const slots = await Promise.all(
      Array.from({ length: 40 }, (_, i) => takeSendSlot(instances[i % instances.length] as (typeof instances)[number], now, rate)),
    )
    t.same(
      slots.sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => now.getTime() + i * 500),
      'slot i is now + i × 500 ms: none shared, none skipped',
    )
    const later = new Date(now.getTime() + 60_000)
    t.equal(
      await takeSendSlot(instances[0] as (typeof instances)[number], later, rate),
      later.getTime(),
      'a schedule left behind starts again from now: no burst after idle time',
    )
  })
}
