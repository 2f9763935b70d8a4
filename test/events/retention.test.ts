// Events past the outbox's retention window go once they are settled (delivered or failed); waiting ones stay.
import t from 'tap'
import { DAY } from '../../src/clock.js'
import { emitEvent, setEventTargets } from '../../src/events/queries.js'
import { pruneOnce } from '../../src/retention.js'
import { testClock, testDb } from '../helpers.js'

t.test('delivered and failed events older than OUTBOX_RETENTION_DAYS are pruned; queued and sending ones are kept', async (t) => {
  const db = await testDb(t)
  t.teardown(() => db.destroy())
  setEventTargets(db, { webhook: true, auth0: false })
  const clock = testClock()
  const statuses = ['delivered', 'failed', 'queued', 'sending'] as const
  for (const status of statuses) {
    await emitEvent(db, { type: 'phone.opted_in', data: { phone: '+16175550123', source: 'web', detail: null } }, clock.now())
    await db.updateTable('events').set({ status }).where('status', '=', 'queued').where('type', '=', 'phone.opted_in').execute()
    await db.updateTable('events').set({ type: status }).where('type', '=', 'phone.opted_in').execute()
  }
  const config = { inboundDays: 7, outboxDays: 30 }
  clock.advance(30 * DAY - 1)
  t.equal((await pruneOnce(db, clock.now(), config)).removed.events, 0, 'not before the window is over')
  clock.advance(2)
  t.equal((await pruneOnce(db, clock.now(), config)).removed.events, 2)
  t.same(
    (await db.selectFrom('events').select('status').orderBy('status').execute()).map((r) => r.status),
    ['queued', 'sending'],
  )
})
