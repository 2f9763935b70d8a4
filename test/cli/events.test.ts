// The CLI's changes write the events the server's configuration delivers, as the server's own changes do.
import { join } from 'node:path'
import t from 'tap'
import { localOperator } from '../../src/cli/operators.js'
import { openDatabase } from '../../src/database.js'

t.test('smsbot notify on this machine, with events on, leaves notification.finished for the server to deliver', async (t) => {
  const dir = t.testdir()
  const location = join(dir, 'smsbot.sqlite')
  const cli = await localOperator(location, { create: true, events: { webhook: true, auth0: false } })
  t.teardown(() => cli.close())
  await cli.saveTopic('CS2500-01', 'Fundamentals')
  const published = await cli.publish('CS2500-01', 'Nobody follows it yet')
  t.equal(published.recipients, 0)
  const db = openDatabase(location)
  t.teardown(() => db.destroy())
  const events = await db.selectFrom('events').select(['type', 'data', 'status']).execute()
  t.same(
    events.map((e) => [e.type, JSON.parse(e.data) as unknown, e.status]),
    [
      [
        'notification.finished',
        { id: published.id, topic: 'CS2500-01', recipients: 0, sent: 0, delivered: 0, failed: 0, expired: 0 },
        'queued',
      ],
    ],
  )

  const quiet = await localOperator(join(dir, 'other.sqlite'), { create: true })
  t.teardown(() => quiet.close())
  await quiet.saveTopic('CS2500-01', 'Fundamentals')
  await quiet.publish('CS2500-01', 'Nobody follows it yet')
  const other = openDatabase(join(dir, 'other.sqlite'))
  t.teardown(() => other.destroy())
  t.same(await other.selectFrom('events').select('id').execute(), [], 'without events configured, none is written')
})
