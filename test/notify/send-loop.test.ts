// The claim loop alone: bounded batches, and while requests are being served, a pause between two batches.
import t from 'tap'
import { createOutage } from '../../src/notify/outage.js'
import { BUSY_PAUSE_MS, createSendLoop } from '../../src/notify/send-loop.js'
import { memoryLogger, testClock } from '../helpers.js'

/** Runs a loop over `rows` rows whose sends end at once; the times (performance.now) of its claims. */
async function claimTimes(rows: number, busy: () => boolean): Promise<{ claims: number[]; sizes: number[] }> {
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
    busy,
  })
  loop.start()
  await done
  await loop.stop()
  return { claims, sizes }
}

t.test('a batch is never more than `batch` rows, busy or not', async (t) => {
  for (const busy of [false, true]) {
    const { sizes } = await claimTimes(20, () => busy)
    t.ok(
      sizes.every((size) => size <= 4),
      `busy ${busy}: batches of ${sizes.join(', ')}`,
    )
    t.equal(
      sizes.reduce((a, b) => a + b, 0),
      20,
    )
  }
})

t.test('while requests are being served, two claims are at least BUSY_PAUSE_MS apart', async (t) => {
  const { claims } = await claimTimes(20, () => true)
  const gaps = claims.slice(1).map((at, i) => at - (claims[i] as number))
  // A timer may fire up to a millisecond early; it never fires much earlier.
  t.ok(
    gaps.every((gap) => gap >= BUSY_PAUSE_MS - 1.5),
    `gaps ${gaps.map((g) => g.toFixed(1)).join(', ')} ms`,
  )
  let served = 0
  const { claims: mixed } = await claimTimes(20, () => served++ % 2 === 0)
  t.ok(mixed.length >= 5, 'busy and idle turns alternate, and the loop still drains')
})
