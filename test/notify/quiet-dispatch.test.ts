// The dispatcher on virtual time, on SQLite and PostgreSQL: quiet hours in each recipient's zone, sendAt and expiresAt, restarts.
import t from 'tap'
import { openDatabase, type Db } from '../../src/database.js'
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../../src/notify/dispatcher.js'
import { claimDue, enqueueNotification, notificationProgress, type Schedule } from '../../src/notify/queries.js'
import { rememberPhone, setQuietHours, setTimeZone } from '../../src/phones/queries.js'
import { parseQuietWindow, type QuietWindow } from '../../src/phones/settings.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { DATABASES, memoryLogger, recordingSender, testClock, testDbOf, type DatabaseKind, type TapT } from '../helpers.js'

const NY = (i: number) => `+1617555${String(1000 + i)}` // Boston: America/New_York
const LA = (i: number) => `+1310555${String(1000 + i)}` // Los Angeles: America/Los_Angeles
const QUIET = parseQuietWindow('21-8') as QuietWindow
const gaps = (sent: Array<{ at: string }>) => sent.slice(1).map((s, i) => Date.parse(s.at) - Date.parse((sent[i] as { at: string }).at))

async function setup(t: TapT, kind: DatabaseKind, phones: string[], start: string, options: Partial<DispatcherOptions> = {}) {
  const { db, location } = await testDbOf(t, kind)
  t.teardown(() => db.destroy())
  /** Another instance's own connection to the same database. */
  const instanceDb = (): Db => {
    const own = openDatabase(location)
    t.teardown(() => own.destroy())
    return own
  }
  const clock = testClock(start)
  const sender = recordingSender()
  const sent: Array<{ to: string; at: string }> = []
  const send = sender.send.bind(sender)
  sender.send = async (sms) => {
    sent.push({ to: sms.to, at: clock.now().toISOString() })
    return send(sms)
  }
  await saveTopic(db, 'CS2500-01', 'Fundamentals', clock.now())
  for (const phone of phones) {
    await rememberPhone(db, phone, clock.now())
    await subscribe(db, phone, 'CS2500-01', 20, clock.now())
  }
  // Virtual time moves only while every running dispatcher waits in its `sleep`: a database round trip (real time,
  // slower under load) never makes a send late on the virtual clock, so the gaps the sender sees are the schedule's.
  const sleepers = new Map<Dispatcher, () => number>()
  // One row at a time, one send every 10 s: a fan-out takes long enough to cross 21:00.
  const dispatcher = (on: Db = db): Dispatcher => {
    let asleep = 0
    const created = createDispatcher({
      db: on,
      sender,
      clock,
      logger: memoryLogger().logger,
      ratePerSecond: 0.1,
      concurrency: 1,
      leaseMs: 30_000,
      maxAttempts: 3,
      quietHours: QUIET,
      sleep: async (ms, wake) => {
        const until = clock.now().getTime() + ms
        asleep++
        while (clock.now().getTime() < until && !wake.aborted) await new Promise((resolve) => setImmediate(resolve))
        asleep--
      },
      idleMs: 250,
      ...options,
    })
    return {
      ...created,
      start: () => {
        sleepers.set(created, () => asleep)
        created.start()
      },
      stop: async () => {
        await created.stop()
        sleepers.delete(created)
      },
    }
  }
  const tickUntil = async (condition: () => Promise<boolean>, what: string, maxTicks = 100_000) => {
    for (let i = 0; i < maxTicks; i++) {
      if (await condition()) return
      if ([...sleepers.values()].every((asleep) => asleep() > 0)) clock.advance(10)
      await new Promise((resolve) => setImmediate(resolve))
    }
    throw new Error(`still waiting after ${maxTicks} ticks for ${what}`)
  }
  const publish = (schedule: Schedule = {}) => enqueueNotification(db, 'CS2500-01', 'A seat opened', clock.now(), schedule)
  const progress = async (id: number) => notificationProgress(db, id, clock.now())
  return { db, clock, sent, dispatcher, tickUntil, publish, progress, instanceDb }
}

for (const kind of DATABASES) {
  t.test(
    `${kind}: a fan-out started at 20:59 in New York sends to Los Angeles, holds New York until 08:00, then sends at the rate`,
    async (t) => {
      // Rows go in phone order: the four in Los Angeles (+1310…) first, then the six in New York (+1617…).
      const phones = [...[0, 1, 2, 3].map(LA), ...[0, 1, 2, 3, 4, 5].map(NY)]
      const { db, clock, sent, dispatcher, tickUntil, publish, progress, instanceDb } = await setup(
        t,
        kind,
        phones,
        '2026-12-02T01:59:00.000Z',
      )
      const { id } = await publish()
      const first = dispatcher()
      first.start()
      // Nothing left due or in flight: everything is sent, or held.
      await tickUntil(async () => (await progress(id))?.queued === 0, 'the evening part of the fan-out')
      await first.stop()
      const nine = Date.parse('2026-12-02T02:00:00.000Z') // 21:00 in New York, 18:00 in Los Angeles
      t.same(
        sent.map((s) => s.to),
        [LA(0), LA(1), LA(2), LA(3), NY(0), NY(1)],
        'sent before 21:00',
      )
      t.ok(
        sent.every((s) => Date.parse(s.at) < nine),
        'all of them before 21:00 in New York',
      )
      t.ok(Date.parse(sent[0]?.at as string) - Date.parse('2026-12-02T01:59:00.000Z') < 100, 'the first at once')
      t.ok(
        gaps(sent).every((gap) => Math.abs(gap - 10_000) <= 10),
        `one every 10 s on the schedule (${gaps(sent).join(', ')} ms apart as seen by the sender)`,
      )
      t.match(await progress(id), { recipients: 10, queued: 0, scheduled: 0, held: 4, sent: 6, failed: 0, expired: 0, done: false })
      const held = await db
        .selectFrom('outbox')
        .select(['phone', 'status', 'attempts', 'next_attempt_at', 'held_at', 'lease_until'])
        .where('held_at', 'is not', null)
        .orderBy('id')
        .execute()
      t.same(
        held.map(({ held_at: _heldAt, ...row }) => row),
        [2, 3, 4, 5].map((i) => ({
          phone: NY(i),
          status: 'queued',
          attempts: 0,
          next_attempt_at: '2026-12-02T13:00:00.000Z',
          lease_until: null,
        })),
        'held, not failed: due at 08:00 New York time, no attempt counted',
      )
      t.ok(
        held.every((r) => Date.parse(r.held_at as string) >= nine),
        'held from 21:00 on (NY(2) when its slot came at 21:00)',
      )

      // The night passes with the process stopped; two new instances (a restart, and one more) find the held rows.
      clock.set('2026-12-02T12:59:59.000Z')
      t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'a second before 08:00 nothing is due')
      const morningInstances = [dispatcher(instanceDb()), dispatcher(instanceDb())]
      for (const instance of morningInstances) instance.start()
      await tickUntil(async () => (await progress(id))?.done === true, 'the morning')
      await Promise.all(morningInstances.map((instance) => instance.stop()))
      const morning = sent.slice(6)
      t.same(
        morning.map((s) => s.to).sort(),
        [2, 3, 4, 5].map(NY),
        'the held rows, each once (the two instances may take them in either order)',
      )
      t.ok(Date.parse(morning[0]?.at as string) >= Date.parse('2026-12-02T13:00:00.000Z'), 'not before 08:00')
      t.ok(
        Date.parse(morning[0]?.at as string) - Date.parse('2026-12-02T13:00:00.000Z') < 350,
        'from 08:00 (within an idle poll of 250 ms)',
      )
      // Virtual time moves only while both instances wait, 10 ms a tick: each send within a tick of its slot.
      t.ok(
        gaps(morning).every((gap) => Math.abs(gap - 10_000) <= 10),
        `at SEND_RATE_PER_SECOND for both instances together (${gaps(morning).join(', ')} ms apart as seen by the sender)`,
      )
      t.match(await progress(id), { recipients: 10, queued: 0, held: 0, sent: 10, done: true })
      t.same(
        (await db.selectFrom('outbox').select('attempts').execute()).map((r) => r.attempts),
        Array(10).fill(1),
        'one attempt each',
      )
    },
  )

  t.test(`${kind}: sendAt and expiresAt: nothing before sendAt, nothing at or after expiresAt, across a restart`, async (t) => {
    const { db, clock, sent, dispatcher, tickUntil, publish, progress } = await setup(
      t,
      kind,
      [0, 1, 2, 3, 4, 5].map(LA),
      '2026-12-02T18:00:00.000Z',
    )
    const sendAt = new Date('2026-12-02T19:00:00.000Z')
    const expiresAt = new Date('2026-12-02T19:00:30.000Z')
    const { id } = await publish({ sendAt, expiresAt })
    t.match(await progress(id), {
      queued: 0,
      scheduled: 6,
      held: 0,
      done: false,
      sendAt: sendAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    })
    const first = dispatcher()
    first.start()
    await tickUntil(async () => clock.now().getTime() >= Date.parse('2026-12-02T18:00:05.000Z'), 'a few idle seconds')
    await first.stop()
    t.same(sent, [], 'nothing before sendAt')
    clock.set(new Date(sendAt.getTime() - 1))
    t.same(await claimDue(db, clock.now(), 30_000, 10), [], 'a millisecond before sendAt nothing is due')
    t.match(await progress(id), { scheduled: 6 })
    const second = dispatcher()
    second.start()
    await tickUntil(async () => (await progress(id))?.done === true, 'the scheduled send')
    await second.stop()
    t.equal(sent.length, 3, 'the sends within the 30 s before expiresAt')
    t.ok(
      Date.parse(sent[0]?.at as string) >= sendAt.getTime() && sent.every((s) => Date.parse(s.at) < expiresAt.getTime()),
      'from sendAt, before expiresAt',
    )
    t.ok(
      gaps(sent).every((gap) => Math.abs(gap - 10_000) <= 10),
      `one every 10 s on the schedule (${gaps(sent).join(', ')} ms apart as seen by the sender)`,
    )
    t.match(await progress(id), { recipients: 6, queued: 0, scheduled: 0, sent: 3, expired: 3, failed: 0, done: true })
    const statuses = await db.selectFrom('outbox').select(['status', 'attempts', 'sid']).orderBy('id').execute()
    t.same(statuses.slice(3), Array(3).fill({ status: 'expired', attempts: 0, sid: null }), 'expired rows were never sent')
  })

  t.test(`${kind}: a row whose quiet hours end after its expiry ends expired at once; per-phone zone and quiet hours`, async (t) => {
    const own = '+16175559001'
    const off = '+16175559002'
    const { db, clock, sent, dispatcher, tickUntil, publish, progress } = await setup(
      t,
      kind,
      [NY(0), own, off],
      '2026-12-02T03:00:00.000Z',
    )
    await setTimeZone(db, own, 'America/Los_Angeles', clock.now()) // 19:00 there
    await setQuietHours(db, off, { kind: 'off' }, clock.now())
    const { id } = await publish({ expiresAt: new Date('2026-12-02T06:00:00.000Z') })
    const run = dispatcher()
    run.start()
    await tickUntil(async () => (await progress(id))?.done === true, 'the fan-out at 22:00 in New York')
    await run.stop()
    t.same(
      sent.map((s) => s.to),
      [own, off],
      'the phone in Los Angeles by choice, and the one without quiet hours',
    )
    t.match(
      await progress(id),
      { recipients: 3, sent: 2, held: 0, expired: 1, done: true },
      'New York opens at 08:00, after the 01:00 expiry',
    )
  })
}
