// The claim loop alone: batches of at most `batch` rows.
import t from 'tap'
import { createOutage } from '../../src/notify/outage.js'
import { createSendLoop } from '../../src/notify/send-loop.js'
import { memoryLogger, testClock } from '../helpers.js'

/** Runs a loop over `rows` rows whose sends end at once; the times (performance.now) of its claims. */
async function claimTimes(rows: number): Promise<{ claims: number[]; sizes: number[] }> {
  const clock = testClock()
  const { logger } = memoryLogger()
  let left = rows
  const claims: number[] = []
  const sizes: number[] = []
  let drained!: () => void
  const done = new Promise<void>((resolve) => (drained = resolve))
  const loop = createSendLoop<number>({
    clock,
    logger,
    concurrency: 4,
    batch: 4,
    refill: 2,
    idleMs: 250,
    outage: createOutage({ clock, logger, random: () => 0.5 }),
    claim: async (limit) => {
      claims.push(performance.now())
      const taken = Math.min(limit, left)
      left -= taken
      sizes.push(taken)
      if (left === 0) drained()
      return Array.from({ length: taken }, (_, i) => i)
    },
    deliver: async () => {},
    describe: () => ({}),
  })
  loop.start()
  await done
  await loop.stop()
  return { claims, sizes }
}

t.test('a batch is never more than `batch` rows', async (t) => {
  {
    const { sizes } = await claimTimes(20)
    t.ok(
      sizes.every((size) => size <= 4),
      `batches of ${sizes.join(', ')}`,
    )
    t.equal(
      sizes.reduce((a, b) => a + b, 0),
      20,
    )
  }
})
