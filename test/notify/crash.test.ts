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
const PROGRESS_FETCH_MS = 5_000

/** Rejects with `message()` after `ms`; `cancel` clears the timer. */
function deadline(ms: number, message: () => string): { expired: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms)
  })
  return { expired, cancel: () => clearTimeout(timer) }
}

/**
 * Polls `condition` every `intervalMs` until it holds. Once `timeoutMs` have passed it fails with a message naming
 * `what` and the last `state()`, even if a check itself hangs, instead of leaving the test to tap's global timeout.
 */
async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs, what, intervalMs = 5, state }: { timeoutMs: number; what: string; intervalMs?: number; state?: () => string },
): Promise<void> {
  let stopped = false
  const limit = deadline(
    timeoutMs,
    () => `timed out after ${timeoutMs} ms waiting for ${what}${state === undefined ? '' : ` (${state()})`}`,
  )
  const poll = async () => {
    while (!stopped && !(await condition())) await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  try {
    await Promise.race([poll(), limit.expired])
  } finally {
    stopped = true
    limit.cancel()
  }
}

/** Resolves as `promise` does, or fails naming `what` once `timeoutMs` have passed. */
async function within<T>(promise: Promise<T>, { timeoutMs, what }: { timeoutMs: number; what: string }): Promise<T> {
  const limit = deadline(timeoutMs, () => `timed out after ${timeoutMs} ms waiting for ${what}`)
  try {
    return await Promise.race([promise, limit.expired])
  } finally {
    limit.cancel()
  }
}

t.test('no subscriber is lost and none gets the message twice beyond the documented window', async (t) => {
  const dir = t.testdir()
  const databasePath = join(dir, 'smsbot.sqlite')
  const db = openDatabase(databasePath)
  await migrateToLatest(db, databasePath)
  const now = new Date().toISOString()
  await db.insertInto('topics').values({ key: 'CS2500-01', title: 'Fundies', created_at: now, closed_at: null }).execute()
  const phones = Array.from({ length: SUBSCRIBERS }, (_, i) => `+1617${String(5_000_000 + i)}`)
  await db
    .insertInto('phones')
    .values(phones.map((phone) => ({ phone, first_seen_at: now, opted_out_at: null, profile_id: null, verified_at: null })))
    .execute()
  await db
    .insertInto('subscriptions')
    .values(phones.map((phone) => ({ phone, topic_key: 'CS2500-01', created_at: now })))
    .execute()
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
    // The real clock is used: this must pass at any hour (quiet hours have their own crash test below).
    QUIET_HOURS: 'off',
  }

  const first = await startServer(env)
  // Killing a process that already ended changes nothing; this only matters if a wait below fails.
  t.teardown(() => first.child.kill('SIGKILL'))
  const publish = await fetch(`${first.url}/api/topics/CS2500-01/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'A seat opened in CS2500-01' }),
    signal: AbortSignal.timeout(10_000),
  })
  t.equal(publish.status, 202)
  const { id, recipients } = (await publish.json()) as { id: number; recipients: number }
  t.equal(recipients, SUBSCRIBERS)

  await waitFor(() => received.size >= SUBSCRIBERS / 3, {
    timeoutMs: 30_000,
    what: `the first server to send to a third of the ${SUBSCRIBERS} subscribers before it is killed`,
    state: () => `${received.size} received so far`,
  })
  first.child.kill('SIGKILL')
  await within(first.exited, { timeoutMs: 10_000, what: 'the first server to exit after SIGKILL' })
  const atCrash = received.size
  t.ok(atCrash < SUBSCRIBERS, `killed mid-dispatch, after ${atCrash} of ${SUBSCRIBERS}`)

  const second = await startServer(env)
  t.teardown(() => second.child.kill('SIGTERM'))
  let progress: { queued: number; sent: number; failed: number; done: boolean } | undefined
  await waitFor(
    async () => {
      const response = await fetch(`${second.url}/api/notifications/${id}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
        signal: AbortSignal.timeout(PROGRESS_FETCH_MS),
      })
      if (response.status !== 200) throw new Error(`GET /api/notifications/${id} answered ${response.status}: ${await response.text()}`)
      progress = (await response.json()) as NonNullable<typeof progress>
      return progress.done
    },
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the restarted server to drain the outbox',
      state: () => `last progress: ${JSON.stringify(progress)}, ${received.size} recipients reached`,
    },
  )
  t.match(progress, { queued: 0, sent: SUBSCRIBERS, failed: 0, done: true }, 'the outbox drained after the restart')

  const missing = phones.filter((p) => !received.has(p))
  const duplicates = [...received.values()].filter((n) => n > 1).length
  t.comment(`crash after ${atCrash} sends; ${received.size} recipients reached, ${duplicates} received it twice, ${missing.length} missing`)
  t.same(missing, [], 'every subscriber received the message')
  t.ok(
    duplicates <= CONCURRENCY,
    `duplicates (${duplicates}) ≤ SEND_CONCURRENCY (${CONCURRENCY}): only sends Twilio accepted before their sid was committed`,
  )
})

/** A quiet window on New York's clock that began ten minutes ago and ends at the first whole minute at least `ms` from now. */
function windowEndingIn(ms: number): { window: string; opensAt: number } {
  const opensAt = Math.ceil((Date.now() + ms) / 60_000) * 60_000
  const clock = (at: number) =>
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(at)
  return { window: `${clock(opensAt - 10 * 60_000)}-${clock(opensAt)}`, opensAt }
}

t.test('rows held for quiet hours are neither sent nor lost across a kill -9, and go out when the window opens', async (t) => {
  const dir = t.testdir()
  const databasePath = join(dir, 'smsbot.sqlite')
  const db = openDatabase(databasePath)
  await migrateToLatest(db, databasePath)
  const now = new Date().toISOString()
  await db.insertInto('topics').values({ key: 'CS2500-01', title: 'Fundies', created_at: now, closed_at: null }).execute()
  const phones = Array.from({ length: 50 }, (_, i) => `+1617${String(5_000_000 + i)}`) // Boston: New York's zone
  await db
    .insertInto('phones')
    .values(phones.map((phone) => ({ phone, first_seen_at: now, opted_out_at: null, profile_id: null, verified_at: null })))
    .execute()
  await db
    .insertInto('subscriptions')
    .values(phones.map((phone) => ({ phone, topic_key: 'CS2500-01', created_at: now })))
    .execute()
  await db.destroy()

  const received = new Map<string, number>()
  const mock = await startMockTwilio({ countOnly: true, onMessage: (m) => received.set(m.to, (received.get(m.to) ?? 0) + 1) })
  t.teardown(() => mock.close())
  // Quiet now in New York, opening within 40 to 100 seconds: the real clock, with a window made for it.
  const { window, opensAt } = windowEndingIn(40_000)
  const env = {
    DATABASE_PATH: databasePath,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: '+16175550100',
    TWILIO_API_URL: mock.url,
    SESSION_SECRET,
    ADMIN_TOKEN: ADMIN,
    SEND_RATE_PER_SECOND: '100',
    SEND_LEASE_SECONDS: '5',
    LOG_LEVEL: 'info',
    QUIET_HOURS: window,
  }
  t.comment(`QUIET_HOURS=${window} (New York), opening at ${new Date(opensAt).toISOString()}`)
  type Progress = { queued: number; held: number; sent: number; done: boolean }
  const progressOf = async (url: string, id: number): Promise<Progress> => {
    const response = await fetch(`${url}/api/notifications/${id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
      signal: AbortSignal.timeout(PROGRESS_FETCH_MS),
    })
    return (await response.json()) as Progress
  }

  const first = await startServer(env)
  t.teardown(() => first.child.kill('SIGKILL'))
  const publish = await fetch(`${first.url}/api/topics/CS2500-01/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'A seat opened in CS2500-01' }),
    signal: AbortSignal.timeout(10_000),
  })
  const { id } = (await publish.json()) as { id: number }
  let progress: Progress | undefined
  await waitFor(async () => (progress = await progressOf(first.url, id)).held === phones.length, {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: 'every row to be held',
    state: () => JSON.stringify(progress),
  })
  first.child.kill('SIGKILL')
  await within(first.exited, { timeoutMs: 10_000, what: 'the first server to exit after SIGKILL' })
  t.equal(received.size, 0, 'nothing was sent in quiet hours')

  const second = await startServer(env)
  t.teardown(() => second.child.kill('SIGTERM'))
  t.match(
    await progressOf(second.url, id),
    { queued: 0, held: phones.length, sent: 0, done: false },
    'after the restart every row is still held',
  )
  t.ok(Date.now() < opensAt, 'and the window has not opened yet')
  await waitFor(async () => (progress = await progressOf(second.url, id)).done, {
    timeoutMs: opensAt - Date.now() + 30_000,
    intervalMs: 250,
    what: 'the held rows to go out when the window opens',
    state: () => JSON.stringify(progress),
  })
  t.match(progress, { queued: 0, held: 0, sent: phones.length, done: true })
  t.same(
    phones.filter((p) => received.get(p) !== 1),
    [],
    'each subscriber got it once',
  )
  t.ok(Date.now() >= opensAt, 'not before the window opened')
})
