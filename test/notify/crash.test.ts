// Crash test: the built server, a file database, the Twilio sender aimed at a recording mock; kill -9 mid-dispatch.
import { join } from 'node:path'
import t from 'tap'
import { startMockTwilio } from '../../src/dev/mock-twilio.js'
import { migrateToLatest, openDatabase } from '../../src/database.js'
import { ACCOUNT_SID, AUTH_TOKEN, SESSION_SECRET } from '../helpers.js'
import { startServer } from '../process.js'

const SUBSCRIBERS = 2000
const CONCURRENCY = 10
const ADMIN = 'admin-token-0123456789abcdef'

t.test('no subscriber is lost and none gets the message twice beyond the documented window', async (t) => {
  const dir = t.testdir()
  const databasePath = join(dir, 'smsbot.sqlite')
  const db = openDatabase(databasePath)
  await migrateToLatest(db, databasePath)
  const now = new Date().toISOString()
  await db.insertInto('topics').values({ key: 'CS2500-01', title: 'Fundies', created_at: now, closed_at: null }).execute()
  const phones = Array.from({ length: SUBSCRIBERS }, (_, i) => `+1617${String(5_000_000 + i)}`)
  await db.insertInto('phones').values(phones.map((phone) => ({ phone, first_seen_at: now, opted_out_at: null, profile_id: null, verified_at: null }))).execute()
  await db.insertInto('subscriptions').values(phones.map((phone) => ({ phone, topic_key: 'CS2500-01', created_at: now }))).execute()
  await db.destroy()

  const received = new Map<string, number>()
  const mock = await startMockTwilio({ countOnly: true, onMessage: (m) => received.set(m.to, (received.get(m.to) ?? 0) + 1) })
  t.teardown(() => mock.close())
  const env = {
    DATABASE_PATH: databasePath,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: '+16175550100',
    TWILIO_API_URL: mock.url,
    SESSION_SECRET,
    ADMIN_TOKEN: ADMIN,
    SEND_RATE_PER_SECOND: '500',
    SEND_CONCURRENCY: String(CONCURRENCY),
    SEND_LEASE_SECONDS: '5',
    LOG_LEVEL: 'info',
  }

  const first = await startServer(env)
  const publish = await fetch(`${first.url}/api/topics/CS2500-01/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'A seat opened in CS2500-01' }),
  })
  t.equal(publish.status, 202)
  const { id, recipients } = (await publish.json()) as { id: number; recipients: number }
  t.equal(recipients, SUBSCRIBERS)

  while (received.size < SUBSCRIBERS / 3) await new Promise((resolve) => setTimeout(resolve, 5))
  first.child.kill('SIGKILL')
  await first.exited
  const atCrash = received.size
  t.ok(atCrash < SUBSCRIBERS, `killed mid-dispatch, after ${atCrash} of ${SUBSCRIBERS}`)

  const second = await startServer(env)
  t.teardown(() => second.child.kill('SIGTERM'))
  let progress: { queued: number; sent: number; failed: number; done: boolean } = { queued: 1, sent: 0, failed: 0, done: false }
  const deadline = Date.now() + 60_000
  while (!progress.done && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    progress = (await (await fetch(`${second.url}/api/notifications/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as typeof progress
  }
  t.match(progress, { queued: 0, sent: SUBSCRIBERS, failed: 0, done: true }, 'the outbox drained after the restart')

  const missing = phones.filter((p) => !received.has(p))
  const duplicates = [...received.values()].filter((n) => n > 1).length
  t.comment(`crash after ${atCrash} sends; ${received.size} recipients reached, ${duplicates} received it twice, ${missing.length} missing`)
  t.same(missing, [], 'every subscriber received the message')
  t.ok(duplicates <= CONCURRENCY, `duplicates (${duplicates}) ≤ SEND_CONCURRENCY (${CONCURRENCY}): only sends Twilio accepted before their sid was committed`)
})
