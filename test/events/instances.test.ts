// Two instances on one PostgreSQL database deliver the same events table: each event reaches the receiver once.
import t from 'tap'
import { emitEvents, type SmsbotEvent } from '../../src/events/queries.js'
import { testClock, testPostgresUrl } from '../helpers.js'
import { startReceiver } from './receiver.js'
import { drive, eventsApp } from './setup.js'

const N = 200

t.test('two instances with dispatch on deliver N events: every webhook-id arrives exactly once', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const databaseUrl = await testPostgresUrl(t)
  // One clock for both, as two machines share the time of day: both wake at each step and claim at the same moment.
  const clock = testClock()
  const one = await eventsApp(t, { eventsUrl: receiver.url, database: 'postgres', databaseUrl, clock })
  const two = await eventsApp(t, { eventsUrl: receiver.url, database: 'postgres', databaseUrl, clock })
  const events: SmsbotEvent[] = Array.from({ length: N }, (_, i) => ({
    type: 'subscription.created',
    data: { phone: `+1617555${String(1000 + i)}`, topic: 'CS2500-01', source: 'sms' },
  }))
  // Written through both handles, in a few transactions each, as changes on both instances would write them.
  for (let i = 0; i < N; i += 20) await emitEvents(i % 40 === 0 ? one.db : two.db, events.slice(i, i + 20), clock.now())

  await drive(clock, () => receiver.deliveries.length >= N, `${N} deliveries`)
  // Anything still on its way would show up as a second delivery: a few more steps of the clock, then count.
  for (let i = 0; i < 5; i++) await clock.tick(1000)
  await new Promise((resolve) => setTimeout(resolve, 200))

  const rows = await one.db.selectFrom('events').select(['id', 'status', 'attempts']).execute()
  t.equal(rows.length, N)
  t.same(receiver.rejected, [], 'every delivery verified')
  t.equal(receiver.deliveries.length, N, `${N} deliveries for ${N} events`)
  t.same(
    rows.filter((row) => receiver.count(row.id) !== 1).map((row) => [row.id, receiver.count(row.id)]),
    [],
    'each webhook-id exactly once',
  )
  t.same(
    rows.filter((row) => row.status !== 'delivered' || row.attempts !== 1),
    [],
    'each row delivered at its first attempt',
  )
  const delivered = (lines: string[]) => lines.filter((line) => line.includes('"event delivered"')).length
  const byOne = delivered(one.lines)
  const byTwo = delivered(two.lines)
  t.comment(`instance one delivered ${byOne}, instance two ${byTwo}`)
  t.equal(byOne + byTwo, N, 'each recorded by exactly one instance')
  t.ok(byOne > 0 && byTwo > 0, 'both instances took part')
})
