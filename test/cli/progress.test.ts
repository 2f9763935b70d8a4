// The progress bar: each count gets its share of the bar, rounding never overflows it.
import t from 'tap'
import { progressLine } from '../../src/cli/progress.js'
import type { Progress } from '../../src/notify/queries.js'

const progress = (counts: Partial<Progress>): Progress => ({
  id: 1,
  topic: 'CS1',
  recipients: 0,
  segments: 1,
  queued: 0,
  scheduled: 0,
  held: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  expired: 0,
  done: false,
  sendAt: null,
  expiresAt: null,
  publishedBy: null,
  ...counts,
})

t.test('each share is drawn, and the bar is always 24 cells', async (t) => {
  const cases: Array<[Partial<Progress>, string]> = [
    [{ recipients: 2000, queued: 2000 }, '[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0/2000  queued 2000 · sent 0 · delivered 0 · failed 0'],
    [
      { recipients: 3, sent: 1, delivered: 1, failed: 1 },
      '[████████▓▓▓▓▓▓▓▓xxxxxxxx] 100%  3/3  queued 0 · sent 1 · delivered 1 · failed 1',
    ],
    [
      { recipients: 7, sent: 2, delivered: 2, failed: 2, queued: 1 },
      '[███████▓▓▓▓▓▓▓xxxxxxx░░░]  85%  6/7  queued 1 · sent 2 · delivered 2 · failed 2',
    ],
    [
      { recipients: 1000, sent: 1, queued: 999 },
      '[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  1/1000  queued 999 · sent 0 · delivered 0 · failed 0'.replace('sent 0', 'sent 1'),
    ],
  ]
  for (const [counts, line] of cases) {
    const drawn = progressLine(progress(counts))
    t.equal(drawn, line)
    t.equal(/\[(.*)\]/.exec(drawn)?.[1]?.length, 24)
  }
})

t.test('scheduled, held and expired rows are named when there are any; expired rows are drawn with -', async (t) => {
  t.equal(
    progressLine(progress({ recipients: 8, sent: 2, held: 3, scheduled: 1, expired: 2 })),
    '[▓▓▓▓▓▓------░░░░░░░░░░░░]  50%  4/8  queued 0 · sent 2 · delivered 0 · failed 0 · scheduled 1 · held 3 · expired 2',
  )
})
