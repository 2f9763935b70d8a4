// Every change writes its event in its own transaction (SPEC §12): each of the eight types from its real cause, nothing without targets.
import { sql } from 'kysely'
import t from 'tap'
import { isPostgres, openDatabase, type Db } from '../../src/database.js'
import { setEventTargets, type EventData, type EventTargets, type EventType } from '../../src/events/queries.js'
import { createDispatcher } from '../../src/notify/dispatcher.js'
import {
  claimDue,
  enqueueNotification,
  notificationProgress,
  recordExpired,
  recordFailed,
  recordSent,
  type ClaimedRow,
} from '../../src/notify/queries.js'
import { rememberPhone } from '../../src/phones/queries.js'
import { profileForUser } from '../../src/profiles/queries.js'
import { signInWithPhone } from '../../src/profiles/sign-in.js'
import { saveTopic, subscribe } from '../../src/topics/queries.js'
import { messagesOf } from '../../src/twilio/simulate.js'
import { createLinkToken } from '../../src/verify/links.js'
import {
  ACCOUNT_SID,
  buildTestApp,
  DATABASES,
  inbound,
  memoryLogger,
  postSigned,
  recordingSender,
  SendError,
  SESSION_SECRET,
  testClock,
  testDbOf,
  text,
  type DatabaseKind,
  type RecordingSender,
  type TapT,
} from '../helpers.js'
import { Browser } from '../web/client.js'

const ADMIN = 'admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${ADMIN}` }
const phone = (i: number) => `+1617555020${i}`
const sid = (i: number) => `SM${String(i).padStart(32, '0')}`
const WEBHOOK: EventTargets = { webhook: true, auth0: false }

interface Written {
  target: string
  type: string
  data: Record<string, unknown>
}

/** The events written so far, in no particular order (one transaction's rows share a timestamp). */
async function written(db: Db): Promise<Written[]> {
  const rows = await db.selectFrom('events').select(['target', 'type', 'data']).execute()
  return rows.map((r) => ({ target: r.target, type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }))
}

/** The data of the webhook's events of one type, sorted by their JSON so that a comparison needs no order. */
async function dataOf<T extends EventType>(db: Db, type: T): Promise<Array<EventData[T]>> {
  const events = (await written(db)).filter((e) => e.target === 'webhook' && e.type === type)
  return events.map((e) => e.data as unknown as EventData[T]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

/** The app, with the webhook's events on (as EVENTS_URL turns them on); with `null`, as its configuration (none) says. */
async function setup(t: TapT, database: DatabaseKind, targets: EventTargets | null = WEBHOOK) {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN }, database })
  if (targets !== null) setEventTargets(test.db, targets)
  const sender = test.sender as RecordingSender
  const api = (method: 'PUT' | 'POST', url: string, payload: object) => test.app.inject({ method, url, headers: auth, payload })
  const status = (messageSid: string, MessageStatus: string, extra: Record<string, string> = {}) =>
    postSigned(test.app, { MessageSid: messageSid, MessageStatus, AccountSid: ACCOUNT_SID, ...extra }, { path: '/sms/status' })
  /** Verifies `number` by code in `browser`, as a person would on /verify. */
  const verifyByCode = async (browser: Browser, number: string) => {
    test.clock.advance(60_000)
    await browser.get('/verify')
    await browser.post('/verify', { phone: number, name: '' })
    const code = /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
    const done = await browser.post('/verify/code', { phone: number, name: '', code })
    if (done.statusCode !== 200) throw new Error(`verifying ${number} answered ${done.statusCode}`)
  }
  /** Publishes to CS1 through the API and claims its rows, as the dispatcher would. */
  const publishAndClaim = async (body: string, extra: object = {}) => {
    const published = (await api('POST', '/api/topics/CS1/notifications', { body, ...extra })).json<{ id: number; recipients: number }>()
    const rows = await claimDue(test.db, test.clock.now(), 30_000, 20)
    return { published, rows: rows.sort((a, b) => a.phone.localeCompare(b.phone)) }
  }
  await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
  await api('PUT', '/api/topics/CS2', { title: 'Discrete' })
  return { ...test, sender, api, status, verifyByCode, publishAndClaim }
}

/** Makes every insert into events fail, as a full disk or a broken constraint would; returns how to undo it. */
async function refuseEvents(db: Db): Promise<() => Promise<void>> {
  if (isPostgres(db)) {
    await sql`create function refuse_event() returns trigger language plpgsql as $$ begin raise exception 'event refused'; end $$`.execute(
      db,
    )
    await sql`create trigger no_events before insert on events for each row execute function refuse_event()`.execute(db)
  } else {
    await sql`create trigger no_events before insert on events begin select raise(abort, 'event refused'); end`.execute(db)
  }
  return async () => void (await sql`drop trigger no_events${sql.raw(isPostgres(db) ? ' on events' : '')}`.execute(db))
}

for (const database of DATABASES) {
  t.test(
    `${database}: by SMS, STOP and START tell phone.opted_out and .opted_in; SUB, UNSUB and UNSUB ALL tell subscriptions`,
    async (t) => {
      const { app, db } = await setup(t, database)
      await text(app, 'STOP', { From: phone(0) })
      await text(app, 'start', { From: phone(0) })
      t.same(await dataOf(db, 'phone.opted_out'), [{ phone: phone(0), source: 'sms', detail: 'STOP' }])
      t.same(
        await dataOf(db, 'phone.opted_in'),
        [{ phone: phone(0), source: 'sms', detail: 'START' }],
        'the keyword as the consent record has it',
      )

      await text(app, 'SUB CS1', { From: phone(0) })
      await text(app, 'SUB CS1', { From: phone(0) })
      await text(app, 'SUB cs2', { From: phone(0) })
      t.same(
        await dataOf(db, 'subscription.created'),
        [
          { phone: phone(0), topic: 'CS1', source: 'sms' },
          { phone: phone(0), topic: 'CS2', source: 'sms' },
        ],
        'one per subscription made: a repeated SUB changes nothing and tells nothing',
      )
      await text(app, 'UNSUB CS1', { From: phone(0) })
      t.same(await dataOf(db, 'subscription.deleted'), [{ phone: phone(0), topic: 'CS1', source: 'sms' }])
      await text(app, 'SUB CS1', { From: phone(0) })
      await text(app, 'UNSUB ALL', { From: phone(0) })
      t.same(await dataOf(db, 'subscription.deleted'), [
        { phone: phone(0), topic: 'CS1', source: 'sms' },
        { phone: phone(0), topic: 'CS1', source: 'sms' },
        { phone: phone(0), topic: 'CS2', source: 'sms' },
      ])
      t.same(
        (await written(db)).map((e) => e.target),
        Array.from({ length: 8 }, () => 'webhook'),
        'no Auth0 write-back for these, and none at all without AUTH0_*',
      )
    },
  )

  t.test(
    `${database}: the web: a code or a link verifies (phone.verified); /me follows and stops following; ` +
      'the phone verified elsewhere, or a new phone, unlinks (phone.unlinked)',
    async (t) => {
      const test = await setup(t, database)
      const { db, verifyByCode } = test
      const ada = new Browser(test.app)
      await verifyByCode(ada, phone(1))
      const [first] = await dataOf(db, 'phone.verified')
      t.match(first, { phone: phone(1), profileId: String, method: 'code' })
      t.notOk(first !== undefined && ('subject' in first || 'email' in first), 'no subject or e-mail keys for a profile without them')
      const adaId = first?.profileId as string

      await ada.get('/me')
      t.equal((await ada.post('/me/subscriptions', { topic: 'cs1', action: 'subscribe' })).statusCode, 303)
      t.equal((await ada.post('/me/subscriptions', { topic: 'CS1', action: 'unsubscribe' })).statusCode, 303)
      t.same(await dataOf(db, 'subscription.created'), [{ phone: phone(1), topic: 'CS1', source: 'web' }])
      t.same(await dataOf(db, 'subscription.deleted'), [{ phone: phone(1), topic: 'CS1', source: 'web' }])

      const grace = new Browser(test.app)
      await verifyByCode(grace, phone(1))
      const verified = await dataOf(db, 'phone.verified')
      const graceId = verified.find((v) => v.profileId !== adaId)?.profileId as string
      t.ok(graceId, 'a new profile')
      t.same(await dataOf(db, 'phone.unlinked'), [{ phone: phone(1), profileId: adaId }], 'the phone left the profile that had it')

      await verifyByCode(grace, phone(2))
      t.same(
        await dataOf(db, 'phone.unlinked'),
        [
          { phone: phone(1), profileId: adaId },
          { phone: phone(1), profileId: graceId },
        ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        "the profile's earlier phone left it when a new one was verified",
      )

      const token = createLinkToken(SESSION_SECRET, phone(3), test.clock.now(), 900)
      const linked = new Browser(test.app)
      await linked.get(`/verify/link?t=${token}`)
      t.equal((await linked.post('/verify/link', { t: token })).statusCode, 200)
      t.match(
        (await dataOf(db, 'phone.verified')).map((v) => [v.phone, v.method]),
        [
          [phone(1), 'code'],
          [phone(1), 'code'],
          [phone(2), 'code'],
          [phone(3), 'link'],
        ],
      )
    },
  )

  t.test(
    `${database}: a provider's user: phone.verified carries the subject and e-mail, phone.unlinked the subject; ` +
      'with Auth0, one write-back per subject whose phone changed',
    async (t) => {
      const { db, clock } = await setup(t, database, { webhook: true, auth0: true })
      const now = clock.now()
      const issuer = 'https://team.example/'
      const ada = await profileForUser(db, { issuer, subject: 'auth0|ada', email: 'ada@example.com', name: 'Ada' }, now)
      const grace = await profileForUser(db, { issuer, subject: 'auth0|grace', email: null, name: null }, now)
      const signIn = { sessionId: undefined, displayName: undefined, now, sessionDays: 30, method: 'code' as const }
      await signInWithPhone(db, { ...signIn, phone: phone(1), profileId: ada })
      t.same(await dataOf(db, 'phone.verified'), [
        { phone: phone(1), profileId: ada, subject: 'auth0|ada', email: 'ada@example.com', method: 'code' },
      ])
      await signInWithPhone(db, { ...signIn, phone: phone(1), profileId: grace, method: 'link' })
      t.same(await dataOf(db, 'phone.unlinked'), [{ phone: phone(1), profileId: ada, subject: 'auth0|ada' }])
      t.same(
        (await dataOf(db, 'phone.verified')).find((v) => v.profileId === grace),
        { phone: phone(1), profileId: grace, subject: 'auth0|grace', method: 'link' },
        'no email key when the provider gave none',
      )
      const auth0 = (await written(db)).filter((e) => e.target === 'auth0').map((e) => e.data.subject)
      t.same(auth0.sort(), ['auth0|ada', 'auth0|ada', 'auth0|grace'], "Ada's phone set, then taken; Grace's set")
    },
  )

  t.test(
    `${database}: Twilio's status callbacks: 21610 tells phone.opted_out (twilio, 21610) and message.failed, each once; ` +
      'notification.finished once, when the last row was sent',
    async (t) => {
      const { app, db, clock, status, publishAndClaim } = await setup(t, database)
      for (const i of [0, 1, 2]) await text(app, 'SUB CS1', { From: phone(i) })
      const { published, rows } = await publishAndClaim('first')
      await recordSent(db, rows[0] as ClaimedRow, sid(0), clock.now())
      await recordSent(db, rows[1] as ClaimedRow, sid(1), clock.now())
      t.same(await dataOf(db, 'notification.finished'), [], 'not while a row is in flight')
      await recordSent(db, rows[2] as ClaimedRow, sid(2), clock.now())
      const finished = { id: published.id, topic: 'CS1', recipients: 3, sent: 3, delivered: 0, failed: 0, expired: 0 }
      t.same(await dataOf(db, 'notification.finished'), [finished])
      const finishedAt = await db.selectFrom('notifications').select('finished_at').executeTakeFirstOrThrow()
      t.equal(finishedAt.finished_at, clock.now().toISOString(), 'the claim of the finish')

      t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204)
      t.equal((await status(sid(1), 'undelivered', { ErrorCode: '30003' })).statusCode, 204)
      t.equal((await status(sid(2), 'delivered')).statusCode, 204)
      t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204, "Twilio's retry changes nothing")
      t.same(await dataOf(db, 'phone.opted_out'), [{ phone: phone(0), source: 'twilio', detail: '21610' }])
      t.same(await dataOf(db, 'message.failed'), [
        { phone: phone(0), notificationId: published.id, errorCode: 21610 },
        { phone: phone(1), notificationId: published.id, errorCode: 30003 },
      ])
      t.same(await dataOf(db, 'notification.finished'), [finished], 'later callbacks do not finish it again')
    },
  )

  t.test(
    `${database}: the dispatcher: a REST 21610 opts out (twilio) and fails the row, another error fails its row; ` +
      'notification.finished once with the counts',
    async (t) => {
      const { db } = await testDbOf(t, database)
      setEventTargets(db, WEBHOOK)
      t.teardown(() => db.destroy())
      const clock = testClock()
      await saveTopic(db, 'CS1', 'Fundies', clock.now())
      for (const i of [0, 1, 2]) {
        await rememberPhone(db, phone(i), clock.now())
        await subscribe(db, phone(i), 'CS1', 20, clock.now())
      }
      const sender = recordingSender()
      sender.failNext(new SendError('unsubscribed recipient', false, 400, 21610), new SendError('blocked', false, 400, 30007))
      const dispatcher = createDispatcher({
        db,
        sender,
        clock,
        logger: memoryLogger().logger,
        ratePerSecond: 100,
        concurrency: 1,
        leaseMs: 30_000,
        maxAttempts: 3,
        random: () => 0.5,
        idleMs: 50,
      })
      const published = await enqueueNotification(db, 'CS1', 'hello', clock.now())
      dispatcher.start()
      const done = async () => {
        while ((await notificationProgress(db, published.id, clock.now()))?.done !== true) await new Promise((r) => setImmediate(r))
      }
      await clock.runUntil(done(), 10, 120_000)
      await dispatcher.stop()
      t.same(await dataOf(db, 'phone.opted_out'), [{ phone: phone(0), source: 'twilio', detail: '21610' }])
      t.same(await dataOf(db, 'message.failed'), [
        { phone: phone(0), notificationId: published.id, errorCode: 21610 },
        { phone: phone(1), notificationId: published.id, errorCode: 30007 },
      ])
      t.same(await dataOf(db, 'notification.finished'), [
        { id: published.id, topic: 'CS1', recipients: 3, sent: 1, delivered: 0, failed: 2, expired: 0 },
      ])
    },
  )

  t.test(
    `${database}: notification.finished when the last rows expire (at the claim, or held by a claim), and at once for nobody`,
    async (t) => {
      const { app, db, clock, api, publishAndClaim } = await setup(t, database)
      for (const i of [0, 1]) await text(app, 'SUB CS1', { From: phone(i) })
      const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString()
      const held = await publishAndClaim('held', { expiresAt })
      const queued = (await api('POST', '/api/topics/CS1/notifications', { body: 'queued', expiresAt })).json<{ id: number }>()
      clock.advance(2 * 3_600_000)
      await recordExpired(db, held.rows[0] as ClaimedRow, clock.now())
      t.same(await dataOf(db, 'notification.finished'), [], 'one row still held')
      await recordExpired(db, held.rows[1] as ClaimedRow, clock.now())
      t.same(await claimDue(db, clock.now(), 30_000, 20), [], "the other notification's rows expire at the claim")
      t.same(await dataOf(db, 'notification.finished'), [
        { id: held.published.id, topic: 'CS1', recipients: 2, sent: 0, delivered: 0, failed: 0, expired: 2 },
        { id: queued.id, topic: 'CS1', recipients: 2, sent: 0, delivered: 0, failed: 0, expired: 2 },
      ])

      const nobody = (await api('POST', '/api/topics/CS2/notifications', { body: 'anyone?' })).json<{ id: number; recipients: number }>()
      t.equal(nobody.recipients, 0)
      t.same(
        (await dataOf(db, 'notification.finished')).filter((f) => f.id === nobody.id),
        [{ id: nobody.id, topic: 'CS2', recipients: 0, sent: 0, delivered: 0, failed: 0, expired: 0 }],
        'finished as it is published',
      )
    },
  )

  t.test(`${database}: notification.finished exactly once when two instances end the last rows at the same time`, async (t) => {
    const { app, db, clock, config, publishAndClaim } = await setup(t, database)
    // PostgreSQL: another instance, with a pool of its own. SQLite has one writer: one handle, its transactions in turn
    // (a second connection in this process would wait for the write lock with the event loop blocked).
    const other = database === 'postgres' ? openDatabase(config.databaseLocation) : db
    if (other !== db) t.teardown(() => other.destroy())
    setEventTargets(other, WEBHOOK)
    for (const i of [0, 1, 2, 3, 4, 5]) await text(app, 'SUB CS1', { From: phone(i) })
    const ids: number[] = []
    for (let round = 0; round < 6; round++) {
      const { published, rows } = await publishAndClaim(`round ${round}`)
      ids.push(published.id)
      const now = clock.now()
      await Promise.all(
        rows.map((row, i) => {
          const instance = i % 2 === 0 ? db : other
          if (i % 3 === 0) return recordSent(instance, row, sid(round * 10 + i), now)
          if (i % 3 === 1) return recordFailed(instance, row, 30003, 'unreachable', now)
          return recordExpired(instance, row, now)
        }),
      )
    }
    const finished = await dataOf(db, 'notification.finished')
    t.same(
      finished.map((f) => f.id).sort((a, b) => a - b),
      ids,
      'one event per notification',
    )
    t.match(
      finished,
      Array.from({ length: 6 }, () => ({ recipients: 6, sent: 2, failed: 2, expired: 2 })),
    )
    t.equal((await dataOf(db, 'message.failed')).length, 12, 'one message.failed per failed row')
  })

  t.test(`${database}: nothing is written when events are not enabled (no EVENTS_URL, no AUTH0_*)`, async (t) => {
    const test = await setup(t, database, null)
    const { app, db, clock, api, publishAndClaim, status, verifyByCode } = test
    await text(app, 'SUB CS1', { From: phone(0) })
    await text(app, 'SUB CS1', { From: phone(1) })
    await text(app, 'UNSUB CS1', { From: phone(1) })
    await text(app, 'STOP', { From: phone(2) })
    await verifyByCode(new Browser(test.app), phone(0))
    const { rows } = await publishAndClaim('hello')
    await recordSent(db, rows[0] as ClaimedRow, sid(0), clock.now())
    await status(sid(0), 'failed', { ErrorCode: '21610' })
    await api('POST', '/api/topics/CS2/notifications', { body: 'anyone?' })
    t.same(await written(db), [])
    t.same(
      (await db.selectFrom('notifications').select('finished_at').execute()).map((n) => n.finished_at),
      [null, null],
      'no finish is claimed either: the hot paths run no extra statement',
    )
  })

  t.test(`${database}: the event is in the change's transaction: when it cannot be written, the change is rolled back`, async (t) => {
    const test = await setup(t, database)
    const { app, db, clock, api, publishAndClaim, status } = test
    await text(app, 'SUB CS1', { From: phone(0) })
    await text(app, 'SUB CS1', { From: phone(1) })
    const ada = new Browser(test.app)
    await test.verifyByCode(ada, phone(0))
    await ada.get('/me')
    const { rows } = await publishAndClaim('hello')
    await recordSent(db, rows[0] as ClaimedRow, sid(0), clock.now())
    const sorted = async () => (await written(db)).map((e) => JSON.stringify(e)).sort()
    const before = await sorted()
    const subscriptions = () => db.selectFrom('subscriptions').select(['phone', 'topic_key']).orderBy('phone').execute()
    const consent = () => db.selectFrom('consent_records').select('id').execute()
    const records = (await consent()).length

    const allow = await refuseEvents(db)
    const stop = await postSigned(app, inbound('STOP', { From: phone(1) }))
    t.match(messagesOf(stop.body), [/./], 'STOP by SMS fails (answered with the failure reply)…')
    t.equal(
      (await db.selectFrom('phones').select('opted_out_at').where('phone', '=', phone(1)).executeTakeFirstOrThrow()).opted_out_at,
      null,
    )
    t.equal((await ada.post('/me/subscriptions', { topic: 'CS1', action: 'unsubscribe' })).statusCode, 500, 'stopping on /me fails…')
    t.equal((await status(sid(0), 'undelivered', { ErrorCode: '30003' })).statusCode, 500, 'a failed callback fails…')
    await t.rejects(recordFailed(db, rows[1] as ClaimedRow, 30003, 'x', clock.now()), /event refused/, 'the last failure fails…')
    t.equal((await api('POST', '/api/topics/CS2/notifications', { body: 'anyone?' })).statusCode, 500, 'publishing to nobody fails…')
    const grace = new Browser(test.app)
    await t.rejects(test.verifyByCode(grace, phone(1)), /answered 500/, 'verifying fails…')
    t.same(
      await subscriptions(),
      [
        { phone: phone(0), topic_key: 'CS1' },
        { phone: phone(1), topic_key: 'CS1' },
      ],
      '…and each is rolled back: the subscriptions stand',
    )
    t.equal((await consent()).length, records, 'no consent record')
    t.same(
      (await db.selectFrom('outbox').select(['phone', 'status']).orderBy('phone').execute()).map((r) => r.status),
      ['sent', 'sending'],
      'the rows as they were',
    )
    t.same((await db.selectFrom('notifications').select('id').execute()).length, 1, 'no notification to nobody')
    t.equal((await db.selectFrom('phones').select('profile_id').where('phone', '=', phone(1)).executeTakeFirstOrThrow()).profile_id, null)
    t.same(await sorted(), before, 'no event')

    await allow()
    t.equal((await postSigned(app, inbound('STOP', { From: phone(1) }))).statusCode, 200, 'once events can be written, it works')
    t.equal((await status(sid(0), 'undelivered', { ErrorCode: '30003' })).statusCode, 204)
    t.ok(await recordFailed(db, rows[1] as ClaimedRow, 30003, 'x', clock.now()))
    t.same((await dataOf(db, 'notification.finished')).length, 1)
  })
}
