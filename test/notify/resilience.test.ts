// The dispatcher outlives a database that stops answering (SQLite locked past its busy timeout, PostgreSQL's connections dropped),
// and /healthz says so meanwhile.
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { migrateToLatest, openDatabase } from '../../src/database.js'
import { createDispatcher, databaseRetryMs } from '../../src/notify/dispatcher.js'
import { loadCluster } from '../postgres/cluster.js'
import { memoryLogger, recordingSender, testClock, testConfig, testPostgresUrl, text, type DatabaseKind, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const PHONE = '+16175550142'

async function setup(t: TapT, kind: DatabaseKind) {
  const env: Record<string, string> =
    kind === 'postgres' ? { ADMIN_TOKEN: ADMIN, DATABASE_PATH: '', DATABASE_URL: await testPostgresUrl(t) } : { ADMIN_TOKEN: ADMIN }
  const config = testConfig(t, env)
  const db = openDatabase(config.databaseLocation)
  await migrateToLatest(db, config.databaseLocation)
  // Noon in Boston: outside the recipient's quiet hours.
  const clock = testClock('2026-11-23T17:00:00.000Z')
  const sender = recordingSender()
  const { logger, lines } = memoryLogger()
  // The dispatcher waits on this clock: its sleeps end as the test ticks it (or when it stops).
  const app = await buildApp({ config, db, sender, logger, clock, dispatch: true })
  t.teardown(() => app.close())
  await app.ready()
  const api = (method: 'PUT' | 'POST', url: string, payload: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, payload })
  const health = async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' })
    return { code: response.statusCode, body: response.json<Record<string, unknown>>() }
  }
  /** Moves virtual time 10 ms at a time (waking the sleeps that come due, letting the real I/O they start run) until `condition` holds. */
  const tickUntil = async (condition: () => boolean | Promise<boolean>, what: string, maxTicks = 20_000) => {
    for (let i = 0; i < maxTicks; i++) {
      if (await condition()) return
      await clock.tick(10)
    }
    throw new Error(`still waiting after ${maxTicks} ticks (${maxTicks / 100} s of virtual time) for ${what}`)
  }
  const ticks = async (ms: number) => {
    const until = clock.now().getTime() + ms
    await tickUntil(() => clock.now().getTime() >= until, `${ms} ms to pass`)
  }
  /** A topic with one subscriber (by a signed SMS) and one notification queued to it. */
  const publishOne = async () => {
    await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
    await text(app, 'SUB CS1', { From: PHONE })
    const published = await api('POST', '/api/topics/CS1/notifications', { body: 'A seat opened' })
    t.equal(published.statusCode, 202)
  }
  const outbox = () => db.selectFrom('outbox').select(['status', 'sid', 'attempts']).execute()
  const logged = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length
  return { app, db, config, clock, sender, lines, health, tickUntil, ticks, publishOne, outbox, logged }
}

t.test('health before start and after stop; the retry wait doubles from 1 s to 30 s', async (t) => {
  const { db } = await setup(t, 'sqlite')
  const dispatcher = createDispatcher({
    db,
    sender: recordingSender(),
    clock: testClock(),
    logger: memoryLogger().logger,
    ratePerSecond: 1,
    concurrency: 1,
    leaseMs: 30_000,
    maxAttempts: 3,
  })
  t.same(dispatcher.health(), { state: 'stopped', failures: 0 })
  dispatcher.start()
  dispatcher.start()
  t.same(dispatcher.health(), { state: 'running', failures: 0 })
  await dispatcher.stop()
  t.same(dispatcher.health(), { state: 'stopped', failures: 0 })
  t.same(
    [1, 2, 3, 6, 7, 20].map((n) => databaseRetryMs(n, () => 1)),
    [1000, 2000, 4000, 30_000, 30_000, 30_000],
  )
  t.equal(
    databaseRetryMs(1, () => 0),
    500,
    'half of it at least',
  )
})

t.test(
  'sqlite: a write lock held by another connection past the busy timeout: claims fail, are logged and retried, ' +
    '/healthz says so, and sending resumes when it is released',
  async (t) => {
    const { db, config, sender, health, tickUntil, ticks, publishOne, outbox, logged, lines } = await setup(t, 'sqlite')
    t.same(await health(), { code: 200, body: { status: 'ok' } })
    // The server waits 5 s for a lock; this test's connection 20 ms (real time: better-sqlite3 waits in the call).
    await sql`pragma busy_timeout = 20`.execute(db)
    await publishOne()
    const holder = new SQLite(config.databasePath)
    t.teardown(() => holder.close())
    holder.exec('BEGIN IMMEDIATE')

    await tickUntil(() => logged(/could not claim queued messages/) > 0, 'a failed claim to be logged')
    const degraded = await health()
    t.equal(degraded.code, 503, 'not healthy while it cannot send')
    t.match(degraded.body, { status: 'degraded', database: 'ok', dispatcher: 'retrying', failures: Number, failingSince: String })
    await ticks(120_000)
    t.ok(logged(/could not claim queued messages/) >= 4, 'tried again and again, with backoff')
    t.ok(logged(/could not claim queued messages/) <= 12, `not in a tight loop (${logged(/could not claim/)} tries in 2 minutes)`)
    t.same(sender.sent, [], 'nothing could be sent meanwhile')
    t.match(await outbox(), [{ status: 'queued', sid: null }])

    holder.exec('COMMIT')
    await tickUntil(() => sender.sent.length === 1, 'the queued message to be sent once the lock is released')
    await tickUntil(async () => (await outbox())[0]?.status === 'sent', 'its sid to be written')
    t.same(await health(), { code: 200, body: { status: 'ok' } })
    t.equal(logged(/the database answers again; sending resumes/), 1)
    t.notOk(
      lines.some((line) => line.includes('6175550142')),
      'no full phone number in the log',
    )
    t.notOk(lines.some((line) => line.includes('dispatcher stopped')))
  },
)

t.test(
  'sqlite: a sid Twilio accepted while the database was locked is written when it answers again, and the message is not sent twice',
  async (t) => {
    const { db, config, sender, health, tickUntil, ticks, publishOne, outbox, logged } = await setup(t, 'sqlite')
    await sql`pragma busy_timeout = 20`.execute(db)
    await publishOne()
    const holder = new SQLite(config.databasePath)
    t.teardown(() => holder.close())
    // The lock is taken while Twilio accepts the message: the sid cannot be written.
    const send = sender.send.bind(sender)
    sender.send = async (sms) => {
      holder.exec('BEGIN IMMEDIATE')
      return send(sms)
    }
    await tickUntil(() => logged(/could not record 1 accepted send/) > 0, 'the failed sid write to be logged')
    t.match((await health()).body, { status: 'degraded', dispatcher: 'retrying' })
    // Well past the 30 s lease: the row must not be claimed and sent again.
    await ticks(90_000)
    holder.exec('COMMIT')
    await tickUntil(async () => (await outbox())[0]?.status === 'sent', 'the sid to be written')
    await ticks(60_000)
    t.equal(sender.sent.length, 1, 'sent once')
    t.match(await outbox(), [{ status: 'sent', sid: /^SM/, attempts: 1 }])
    t.same(await health(), { code: 200, body: { status: 'ok' } })
  },
)

t.test(
  'sqlite: stopping while a sid cannot be written tries once more, then stops without hanging; the row is left to its lease',
  async (t) => {
    const { app, db, config, sender, tickUntil, publishOne, logged } = await setup(t, 'sqlite')
    await sql`pragma busy_timeout = 20`.execute(db)
    await publishOne()
    const holder = new SQLite(config.databasePath)
    t.teardown(() => holder.close())
    const send = sender.send.bind(sender)
    sender.send = async (sms) => {
      holder.exec('BEGIN IMMEDIATE')
      return send(sms)
    }
    await tickUntil(() => logged(/could not record 1 accepted send/) > 0, 'the failed sid write to be logged')
    const closing = app.close()
    await tickUntil(() => logged(/could not record a send; its lease will expire/) > 0, 'the last try to fail and be logged')
    await closing
    holder.exec('ROLLBACK')
    t.equal(sender.sent.length, 1)
    const reopened = openDatabase(config.databasePath)
    t.teardown(() => reopened.destroy())
    t.match(
      await reopened.selectFrom('outbox').select(['status', 'sid']).execute(),
      [{ status: 'sending', sid: null }],
      'claimed, as after a crash: sent again after its lease (the duplicate window)',
    )
  },
)

t.test(
  'postgres: the server drops every connection and refuses new ones for a while: claims fail and are retried, ' +
    '/healthz says so, and sending resumes',
  async (t) => {
    const { config, sender, health, tickUntil, ticks, publishOne, outbox, logged, lines } = await setup(t, 'postgres')
    await publishOne()
    const name = new URL(config.databaseLocation).pathname.slice(1)
    const admin = new pg.Client({ connectionString: loadCluster()?.adminUrl })
    await admin.connect()
    t.teardown(async () => {
      await admin.query(`alter database ${name} allow_connections true`)
      await admin.end()
    })
    // As a restart does: every backend of the app's database ends, and none can start until the server is back.
    await admin.query(`alter database ${name} allow_connections false`)
    const terminated = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name])
    t.ok(terminated.rowCount !== null && terminated.rowCount > 0, 'the app had connections, now ended')

    await tickUntil(() => logged(/could not claim queued messages/) > 0, 'a failed claim to be logged')
    const down = await health()
    t.equal(down.code, 503)
    t.match(down.body, { status: 'unavailable', dispatcher: 'retrying', failures: Number })
    await ticks(60_000)
    t.ok(logged(/could not claim queued messages/) >= 3, 'tried again, with backoff')
    t.same(sender.sent, [])

    await admin.query(`alter database ${name} allow_connections true`)
    await tickUntil(() => sender.sent.length === 1, 'the queued message to be sent once the server answers again')
    await tickUntil(async () => (await outbox())[0]?.status === 'sent', 'its sid to be written')
    t.same(await health(), { code: 200, body: { status: 'ok' } })
    t.equal(logged(/the database answers again; sending resumes/), 1)
    t.notOk(
      lines.some((line) => line.includes('6175550142')),
      'no full phone number in the log',
    )
  },
)
