// The events' retry schedule: exponential backoff with jitter, the first retry within a minute, Retry-After, the 24 h deadline.
import t from 'tap'
import { FIRST_RETRY_MS, MAX_RETRY_MS, nextAttemptAt, retryAfterMs, retryDelayMs } from '../../src/events/backoff.js'

const HOUR = 3_600_000

t.test('10 s doubling, capped at an hour, each wait between half and all of its ceiling', async (t) => {
  t.same(
    [0, 1, 2, 3, 8, 9, 40].map((n) => retryDelayMs(n, () => 1)),
    [10_000, 20_000, 40_000, 80_000, 2_560_000, MAX_RETRY_MS, MAX_RETRY_MS],
  )
  t.same(
    [0, 1, 9].map((n) => retryDelayMs(n, () => 0)),
    [5_000, 10_000, MAX_RETRY_MS / 2],
  )
  t.ok(retryDelayMs(0, Math.random) <= FIRST_RETRY_MS && FIRST_RETRY_MS < 60_000, 'the first retry comes within a minute')
})

t.test('Retry-After: seconds or an HTTP date; unreadable or absent is no answer', async (t) => {
  const now = new Date('2026-11-23T12:00:00Z')
  t.equal(retryAfterMs('30', now), 30_000)
  t.equal(retryAfterMs(' 0 ', now), 0)
  t.equal(retryAfterMs('Mon, 23 Nov 2026 12:02:00 GMT', now), 120_000)
  t.equal(retryAfterMs('Mon, 23 Nov 2026 11:00:00 GMT', now), 0, 'a date already past: at once')
  t.equal(retryAfterMs('soon', now), undefined)
  t.equal(retryAfterMs(null, now), undefined)
})

t.test('the next attempt: the backoff, a longer Retry-After (at most an hour), nothing past the deadline', async (t) => {
  const now = new Date('2026-11-23T12:00:00Z')
  const deadline = new Date(now.getTime() + 24 * HOUR)
  const at = (failed: Partial<Parameters<typeof nextAttemptAt>[0]>) =>
    nextAttemptAt({ attempts: 0, now, deadline, ...failed }, () => 1)?.toISOString()
  t.equal(at({}), '2026-11-23T12:00:10.000Z')
  t.equal(at({ retryAfterMs: 90_000 }), '2026-11-23T12:01:30.000Z', 'a longer Retry-After is waited out')
  t.equal(at({ retryAfterMs: 1_000 }), '2026-11-23T12:00:10.000Z', 'a shorter one does not hurry the backoff')
  t.equal(at({ retryAfterMs: 48 * HOUR }), '2026-11-23T13:00:00.000Z', 'an absurd one is capped at an hour')
  t.equal(at({ deadline: new Date(now.getTime() + 9_999) }), undefined, 'past the deadline: no further attempt')
  t.equal(at({ deadline: new Date(now.getTime() + 10_000) }), '2026-11-23T12:00:10.000Z', 'on the deadline: one more')
})
