// Crash test: the built server delivering events to a receiver that holds them; kill -9; the next start delivers them.
import { join } from 'node:path'
import t from 'tap'
import { migrateToLatest, openDatabase } from '../../src/database.js'
import { AUTH_TOKEN, inbound, SESSION_SECRET } from '../helpers.js'
import { postSignedSms, startServer } from '../process.js'
import { EVENTS_SECRET, startReceiver, until } from './receiver.js'

const EVENTS = 3
/** The deliverer's lease (event-deliverer.ts): how long the killed server's claims hold their rows. */
const LEASE_MS = 60_000

t.test('kill -9 while deliveries are in flight loses no event: the next start delivers each, with the same webhook-id', async (t) => {
  const databasePath = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(databasePath)
  await migrateToLatest(db, databasePath)
  t.teardown(() => db.destroy())

  // The receiver takes each request and never answers: the server's deliveries are in flight when it is killed.
  const receiver = await startReceiver({ answer: () => 'hold' })
  t.teardown(() => receiver.close())
  const env = {
    DATABASE_PATH: databasePath,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    SESSION_SECRET,
    EVENTS_URL: receiver.url,
    EVENTS_SECRET,
    LOG_LEVEL: 'info',
    QUIET_HOURS: 'off',
  }
  const first = await startServer(env)
  t.teardown(() => first.child.kill('SIGKILL'))
  // The changes: three phones text STOP to the server, through its signed webhook; each opt-out writes its event.
  for (let i = 0; i < EVENTS; i++) {
    const response = await postSignedSms(first, inbound('STOP', { From: `+1617555010${i}` }), AUTH_TOKEN)
    t.equal(response.status, 200, `STOP from phone ${i} answered`)
  }
  const ids = (await db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id)
  await until(() => receiver.deliveries.length === EVENTS, 'the first server to send every event to the receiver')
  const claimedAt = Date.now()
  first.child.kill('SIGKILL')
  await first.exited
  t.same(
    (await db.selectFrom('events').select('status').execute()).map((r) => r.status),
    Array(EVENTS).fill('sending'),
    'killed mid-delivery: every event claimed, none delivered',
  )

  receiver.answer = () => 200
  const second = await startServer(env)
  t.teardown(() => second.child.kill('SIGTERM'))
  await until(
    async () => (await db.selectFrom('events').select('status').where('status', '=', 'delivered').execute()).length === EVENTS,
    'the second server to deliver every event once the killed claims expire',
    LEASE_MS + 40_000,
  )
  t.ok(Date.now() - claimedAt >= LEASE_MS - 2_000, 'taken over only after the lease of the killed claims')
  t.same(receiver.rejected, [])
  t.same(
    ids.map((id) => receiver.count(id)),
    Array(EVENTS).fill(2),
    'each arrived twice, with its one webhook-id: held by the killed server (never answered), then delivered',
  )
  t.same(
    receiver.deliveries
      .slice(EVENTS)
      .map((d) => d.id)
      .sort(),
    ids,
    'the second start delivered exactly the events the first had in flight',
  )
  t.same(
    ids.map((id) => receiver.deliveries.filter((d) => d.id === id).map((d) => JSON.stringify(d.body))).filter(([a, b]) => a !== b),
    [],
    'with the same body',
  )
  t.same(
    receiver.deliveries
      .slice(EVENTS)
      .map((d) => `${d.body.type} ${String(d.body.data.phone)}`)
      .sort(),
    [0, 1, 2].map((i) => `phone.opted_out +1617555010${i}`),
    'the opt-outs the server made',
  )
})
