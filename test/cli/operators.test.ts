// Operator commands (topics, notify, progress) through the server's API and through the local database file.
import { join } from 'node:path'
import t from 'tap'
import { runCli, type CliIo } from '../../src/cli/main.js'
import type { Db } from '../../src/database.js'
import { claimDue, recordDeliveryStatus, recordFailed, recordSent, type Claim } from '../../src/notify/queries.js'
import { AUTH_TOKEN, buildTestApp, SESSION_SECRET, testDb, text, type TapT } from '../helpers.js'

const ADMIN_TOKEN = 'admin-token-0123456789abcdef'

function io(env: Record<string, string>, extra: Partial<CliIo> = {}) {
  const out: string[] = []
  const err: string[] = []
  const status: string[] = []
  const cli: CliIo = {
    env,
    out: (l) => void out.push(l),
    err: (l) => void err.push(l),
    status: (l) => void status.push(l),
    ...extra,
  }
  return { cli, out, err, status }
}

/** Moves the outbox one step per poll: one sent, one delivered, one failed, then whatever is left sent. */
function scriptedDispatch(db: Db) {
  const at = new Date('2026-11-23T12:00:00Z')
  // The rows are claimed as a dispatcher would claim them: only a claim's holder records outcomes.
  const steps = [
    async (rows: Claim[]) => void (await recordSent(db, rows[0] as Claim, 'SM00000000000000000000000000000001', at)),
    async () => void (await recordDeliveryStatus(db, 'SM00000000000000000000000000000001', 'delivered', null, at)),
    async (rows: Claim[]) => void (await recordFailed(db, rows[1] as Claim, 21211, 'invalid', at)),
    async (rows: Claim[]) => {
      for (const [i, row] of rows.slice(2).entries()) await recordSent(db, row, `SM${String(i + 2).padStart(32, '0')}`, at)
    },
  ]
  let claimed: Claim[] = []
  let polls = 0
  return {
    sleep: async (ms: number) => {
      t.equal(ms, 1000, 'polls once a second')
      // Claimed at a time after every row was queued, whichever clock queued them (the test's, or the CLI's own).
      if (claimed.length === 0) claimed = (await claimDue(db, new Date('2999-01-01T00:00:00Z'), 60_000, 100)).sort((a, b) => a.id - b.id)
      await steps[polls]?.(claimed)
      polls += 1
    },
    polls: () => polls,
  }
}

async function subscribe(t: TapT, app: Parameters<typeof text>[0], count: number) {
  for (let i = 0; i < count; i++) t.match(await text(app, 'SUB CS2500-01', { From: `+1617555010${i}` }), /^Subscribed to CS2500-01/)
}

const EXPECTED_BARS = [
  '[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0/4  queued 4 · sent 0 · delivered 0 · failed 0',
  '[▓▓▓▓▓▓░░░░░░░░░░░░░░░░░░]  25%  1/4  queued 3 · sent 1 · delivered 0 · failed 0',
  '[██████░░░░░░░░░░░░░░░░░░]  25%  1/4  queued 3 · sent 0 · delivered 1 · failed 0',
  '[██████xxxxxx░░░░░░░░░░░░]  50%  2/4  queued 2 · sent 0 · delivered 1 · failed 1',
  '[██████▓▓▓▓▓▓▓▓▓▓▓▓xxxxxx] 100%  4/4  queued 0 · sent 2 · delivered 1 · failed 1',
]

t.test('through the API: topics add, list, notify with progress, --no-wait, progress, close', async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  // The CLI's own database path is elsewhere: everything must go through the API.
  const env = { ADMIN_TOKEN, DATABASE_PATH: join(t.testdir(), 'not-used.sqlite'), TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }

  const add = io(env)
  t.equal(await runCli(['--url', url, 'topics', 'add', 'cs2500-01', 'Fundamentals', 'of', 'CS', '1'], add.cli), 0)
  t.same(add.out, ['Topic CS2500-01 is open: Fundamentals of CS 1'])
  await subscribe(t, test.app, 4)

  const list = io(env)
  t.equal(await runCli(['--url', url, 'topics', 'list'], list.cli), 0)
  t.same(list.out, ['CS2500-01\t4 subscribers\tFundamentals of CS 1'])

  const dispatch = scriptedDispatch(test.db)
  const notify = io(env, { sleep: dispatch.sleep })
  t.equal(await runCli(['--url', url, 'notify', 'cs2500-01', 'A seat opened', 'in CS2500-01'], notify.cli), 0)
  t.same(notify.out, [
    'Notification 1 to CS2500-01: 4 recipients, 1 segment each.',
    'Done: 3 of 4 accepted by Twilio (1 delivered so far), 1 failed.',
  ])
  t.same(notify.status, EXPECTED_BARS, 'the bar moves with every state: queued → sent → delivered/failed')
  t.same(notify.err, ['Ctrl-C stops watching; sending goes on in the server.'])
  t.equal(dispatch.polls(), 4)
  const stored = await test.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow()
  t.equal(stored.body, 'A seat opened in CS2500-01')

  const noWait = io(env, { sleep: async () => void t.fail('--no-wait must not poll') })
  t.equal(await runCli(['--url', url, 'notify', '--no-wait', 'CS2500-01', 'Another seat'], noWait.cli), 0)
  t.same(noWait.out, ['Notification 2 to CS2500-01: 4 recipients, 1 segment each.', 'Follow it with: smsbot progress 2'])
  t.same(noWait.status, [])

  const done = io(env)
  t.equal(await runCli(['--url', url, 'progress', '1'], done.cli), 0)
  t.same(done.status, [EXPECTED_BARS.at(-1)])
  t.same(done.err, [], 'nothing to watch, so no Ctrl-C hint')

  const close = io(env)
  t.equal(await runCli(['--url', url, 'topics', 'close', 'cs2500-01'], close.cli), 0)
  t.same(close.out, ['Topic CS2500-01 is closed. Its subscribers are kept and were told nothing.'])
  const closedAgain = io(env)
  t.equal(await runCli(['--url', url, 'topics', 'close', 'cs2500-01'], closedAgain.cli), 1)
  t.same(closedAgain.err, ['smsbot answered 404: There is no open topic CS2500-01.'])
  const toClosed = io(env)
  t.equal(await runCli(['--url', url, 'notify', 'CS2500-01', 'hello'], toClosed.cli), 1)
  t.same(toClosed.err, ['smsbot answered 404: There is no open topic CS2500-01.'])
  const missing = io(env)
  t.equal(await runCli(['--url', url, 'progress', '99'], missing.cli), 1)
  t.same(missing.err, ['smsbot answered 404: There is no notification 99.'])
  const empty = io(env)
  t.equal(await runCli(['--url', url, 'topics', 'list'], empty.cli), 0)
  t.match(empty.out, [/^No open topics/])
})

t.test('through the API: a topic nobody can receive, a wrong token, a dead server, a proxy error', async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const env = { ADMIN_TOKEN, DATABASE_PATH: join(t.testdir(), 'not-used.sqlite') }

  t.equal(await runCli(['--url', url, 'topics', 'add', 'CS1', 'Empty'], io(env).cli), 0)
  await text(test.app, 'SUB CS1', { From: '+16175550100' })
  await text(test.app, 'STOP', { From: '+16175550100' })
  const nobody = io(env)
  t.equal(await runCli(['--url', url, 'notify', 'CS1', 'hi'], nobody.cli), 0)
  t.same(nobody.out, [
    'Notification 1 to CS1: 0 recipients, 1 segment each.',
    'Nobody to text: the topic has no subscribers who can receive (opted-out and invalid numbers are skipped).',
  ])

  const wrong = io({ ...env, ADMIN_TOKEN: 'not-the-admin-token-at-all' })
  t.equal(await runCli(['--url', url, 'topics', 'list'], wrong.cli), 1)
  t.same(wrong.err, ['smsbot answered 401: Send Authorization: Bearer <ADMIN_TOKEN>.'])

  const dead = io(env)
  t.equal(await runCli(['--url', 'http://127.0.0.1:9', 'topics', 'list'], dead.cli), 1)
  t.same(dead.err, ['Cannot reach smsbot at http://127.0.0.1:9. Is it running (npm start)? Use --url to point elsewhere.'])

  const proxy = io(env, { fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }) })
  t.equal(await runCli(['--url', 'https://smsbot.example.org/', 'topics', 'list'], proxy.cli), 1)
  t.same(proxy.err, ['smsbot answered 502: <html>Bad gateway</html>'])

  // Without --url the API is found at HOST:PORT, as the server would listen.
  const port = new URL(url).port
  const local = io({ ...env, PORT: port, HOST: '127.0.0.1' })
  t.equal(await runCli(['topics', 'list'], local.cli), 0)
  t.same(local.out, ['CS1\t1 subscriber\tEmpty'], 'an opted-out phone keeps its subscription')
})

t.test('without ADMIN_TOKEN the commands work on the database file, and a running server sends what they queue', async (t) => {
  const test = await buildTestApp(t)
  const env = { DATABASE_PATH: test.config.databasePath }

  t.equal(await runCli(['topics', 'add', 'cs2500-01', 'Fundies', '1'], io(env).cli), 0)
  await subscribe(t, test.app, 4)
  const dispatch = scriptedDispatch(test.db)
  const notify = io(env, { sleep: dispatch.sleep })
  t.equal(await runCli(['notify', 'CS2500-01', 'A seat opened'], notify.cli), 0)
  t.same(notify.status, EXPECTED_BARS)
  t.same(notify.out.at(-1), 'Done: 3 of 4 accepted by Twilio (1 delivered so far), 1 failed.')

  const close = io(env)
  t.equal(await runCli(['topics', 'close', 'CS2500-01'], close.cli), 0)
  const again = io(env)
  t.equal(await runCli(['topics', 'close', 'CS2500-01'], again.cli), 1)
  t.same(again.err, ['There is no open topic CS2500-01.'])
  const toClosed = io(env)
  t.equal(await runCli(['notify', 'CS2500-01', 'hello'], toClosed.cli), 1)
  t.same(toClosed.err, ['There is no open topic CS2500-01.'])
  const missing = io(env)
  t.equal(await runCli(['progress', '42'], missing.cli), 1)
  t.same(missing.err, ['There is no notification 42.'])
})

t.test('without a status writer the bar goes to standard output', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = await testDb(t, path)
  const env = { DATABASE_PATH: path }
  await db.insertInto('topics').values({ key: 'CS1', title: 'One', created_at: '2026-11-23T12:00:00.000Z', closed_at: null }).execute()
  await db
    .insertInto('notifications')
    .values({ topic_key: 'CS1', body: 'x', segments: 1, recipients: 0, created_at: '2026-11-23T12:00:00.000Z' })
    .execute()
  const out: string[] = []
  t.equal(await runCli(['progress', '1'], { env, out: (l) => void out.push(l), err: (l) => t.fail(l) }), 0)
  t.same(out, [
    '[░░░░░░░░░░░░░░░░░░░░░░░░] 100%  0/0  queued 0 · sent 0 · delivered 0 · failed 0',
    'Done: 0 of 0 accepted by Twilio (0 delivered so far), 0 failed.',
  ])
})

t.test('a database newer than this program is refused, and the file is left alone', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = await testDb(t, path)
  await db
    .insertInto('kysely_migration' as never)
    .values({ name: '99-future', timestamp: '2026-11-23T12:00:00.000Z' })
    .execute()
  const cli = io({ DATABASE_PATH: path })
  t.equal(await runCli(['topics', 'list'], cli.cli), 1)
  t.match(cli.err[0], /newer/)
})

t.test(
  'notify --at and --expires: ISO or relative times (an expiry counts from --at), refused with a reason, and what waits is said',
  async (t) => {
    const test = await buildTestApp(t, { env: { ADMIN_TOKEN } })
    const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
    const env = { ADMIN_TOKEN, DATABASE_PATH: join(test.config.databasePath, '..', 'not-used.sqlite') }
    const now = () => test.clock.now()
    t.equal(await runCli(['--url', url, 'topics', 'add', 'CS1', 'One'], io(env).cli), 0)
    await text(test.app, 'SUB CS1', { From: '+16175550100' })

    const later = io(env, { now })
    t.equal(await runCli(['--url', url, 'notify', '--at', '+2h', '--expires', '+30m', 'CS1', 'Seats', 'open'], later.cli), 0)
    t.same(later.out, [
      'Notification 1 to CS1: 1 recipient, 1 segment each.',
      'Scheduled for 2026-11-23T14:00:00.000Z; whatever is not sent by 2026-11-23T14:30:00.000Z expires.',
      'Waiting: 1 scheduled for 2026-11-23T14:00:00.000Z (0 sent so far). ' +
        'The server sends them when they are due; follow with: smsbot progress 1',
    ])
    t.same(later.status, ['[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0/1  queued 0 · sent 0 · delivered 0 · failed 0 · scheduled 1'])
    t.same(later.err, [], 'nothing due: no Ctrl-C hint')

    const iso = io(env, { now })
    t.equal(
      await runCli(
        ['--url', url, '--no-wait', 'notify', '--at', '2026-12-01T09:00:00-05:00', '--expires', '2026-12-01T11:00:00-05:00', 'CS1', 'hi'],
        iso.cli,
      ),
      0,
    )
    t.same(iso.out.slice(1), [
      'Scheduled for 2026-12-01T14:00:00.000Z; whatever is not sent by 2026-12-01T16:00:00.000Z expires.',
      'Follow it with: smsbot progress 2',
    ])
    const expiring = io(env, { now })
    t.equal(await runCli(['--url', url, '--no-wait', 'notify', '--expires', '+1h', 'CS1', 'hi'], expiring.cli), 0)
    t.equal(expiring.out[1], 'Sending now; whatever is not sent by 2026-11-23T13:00:00.000Z expires.')

    const badTime = io(env, { now })
    t.equal(await runCli(['--url', url, 'notify', '--at', 'tomorrow', 'CS1', 'hi'], badTime.cli), 2)
    t.match(badTime.err[0], /^smsbot: --at "tomorrow" is not a time: give an ISO 8601 time with its offset/)
    const badExpiry = io(env, { now })
    t.equal(await runCli(['--url', url, 'notify', '--expires', 'soon', 'CS1', 'hi'], badExpiry.cli), 2)
    const backwards = io(env, { now })
    t.equal(await runCli(['--url', url, 'notify', '--at', '+2h', '--expires', '2026-11-23T13:00:00Z', 'CS1', 'hi'], backwards.cli), 1)
    t.same(backwards.err, ['expiresAt (2026-11-23T13:00:00.000Z) must be after sendAt (2026-11-23T14:00:00.000Z).'])
  },
)

t.test('smsbot consent <phone> prints the record, through the API and from the database file', async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  await runCli(['--url', url, 'topics', 'add', 'CS1', 'One'], io({ ADMIN_TOKEN }).cli)
  await text(test.app, 'SUB CS1', { From: '+16175550100' })
  await text(test.app, 'STOP', { From: '+16175550100' })
  const envs: Array<Record<string, string>> = [
    { ADMIN_TOKEN, DATABASE_PATH: join(test.config.databasePath, '..', 'not-used.sqlite') },
    { DATABASE_PATH: test.config.databasePath },
  ]
  for (const env of envs) {
    const consent = io(env)
    t.equal(
      await runCli(['--url', url, 'consent', '+16175550100'].slice(env.ADMIN_TOKEN === undefined ? 2 : 0), consent.cli),
      0,
      consent.err.join('\n'),
    )
    t.equal(consent.out[0], 'time (UTC)                action       source  topic / detail')
    t.equal(consent.out[1], '2026-11-23T12:00:00.000Z  subscribe    sms     CS1')
    t.match(consent.out[2], /^2026-11-23T12:00:00.000Z {2}opt_out {6}sms/)
    t.equal(consent.out.length, 3)
  }
  const none = io({ ADMIN_TOKEN })
  t.equal(await runCli(['--url', url, 'consent', '+16175550199'], none.cli), 0)
  t.same(none.out, ['No consent changes are recorded for +16175550199.'])
  const bad = io({ ADMIN_TOKEN })
  t.equal(await runCli(['--url', url, 'consent', 'nobody'], bad.cli), 2)
  t.match(bad.err[0], /consent needs a phone number in E.164 form/)
})
