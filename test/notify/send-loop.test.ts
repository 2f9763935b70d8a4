// The claim loop alone: batches of at most `batch` rows, and one send at a time while requests are answered.
import t from 'tap'
import { createOutage } from '../../src/notify/outage.js'
import { createSendLoop } from '../../src/notify/send-loop.js'
import { memoryLogger, testClock } from '../helpers.js'

/** A loop over `rows` rows whose sends take a turn of the event loop; what it did while `busy()` said what it says. */
async function underForeground(rows: number, busy: (delivered: number) => boolean, recordPauses = true) {
  const { logger } = memoryLogger()
  const clock = testClock()
  // Each pause is recorded and ends at once: what is tested is when the loop pauses, not how long a pause is.
  let pauses = 0
  let left = rows
  let inFlight = 0
  let mostInFlight = 0
  const sizes: number[] = []
  let drained!: () => void
  const done = new Promise<void>((resolve) => (drained = resolve))
  let delivered = 0
  const loop = createSendLoop<number>({
    clock,
    logger,
    concurrency: 4,
    batch: 4,
    refill: 2,
    idleMs: 250,
    outage: createOutage({ clock, logger, random: () => 0.5 }),
    foreground: { busy: () => busy(delivered) },
    ...(recordPauses ? { stepBack: async () => void (pauses += 1) } : {}),
    claim: async (limit) => {
      const taken = Math.min(limit, left)
      left -= taken
      if (taken > 0) sizes.push(taken)
      return Array.from({ length: taken }, (_, i) => i)
    },
    deliver: async () => {
      inFlight += 1
      mostInFlight = Math.max(mostInFlight, inFlight)
      await new Promise((resolve) => setImmediate(resolve))
      inFlight -= 1
      if (++delivered === rows) drained()
    },
    describe: () => ({}),
  })
  loop.start()
  await done
  await loop.stop()
  return { sizes, mostInFlight, pauses }
}

t.test('a batch is never more than `batch` rows', async (t) => {
  const { sizes } = await underForeground(20, () => false)
  t.ok(
    sizes.every((size) => size <= 4),
    `batches of ${sizes.join(', ')}`,
  )
  t.equal(
    sizes.reduce((a, b) => a + b, 0),
    20,
  )
})

t.test('while requests are answered, the loop keeps to one send at a time, with a pause after each', async (t) => {
  const busy = await underForeground(12, () => true)
  t.equal(busy.mostInFlight, 1, 'never two sends in flight')
  t.same(new Set(busy.sizes), new Set([1]), 'one row per claim')
  t.equal(busy.pauses, 12, 'a pause after each send started')

  const idle = await underForeground(12, () => false)
  t.equal(idle.mostInFlight, 4, 'up to the concurrency when nobody waits')
  t.ok(
    idle.sizes.some((size) => size > 1),
    `batches of ${idle.sizes.join(', ')}`,
  )
  t.equal(idle.pauses, 0, 'and no pause')
})

t.test('the loop goes back to its full pace as soon as the requests stop', async (t) => {
  // Busy until three sends are done, then idle.
  const { sizes, pauses } = await underForeground(15, (delivered) => delivered < 3)
  t.same(sizes.slice(0, 3), [1, 1, 1], 'one at a time while busy')
  t.ok(
    sizes.slice(3).some((size) => size > 1),
    `then batches: ${sizes.slice(3).join(', ')}`,
  )
  t.equal(pauses, 3)
})

t.test('the default pause is real time: a test clock that stands still does not stop the outbox', async (t) => {
  const started = performance.now()
  const { sizes } = await underForeground(3, () => true, false)
  t.same(sizes, [1, 1, 1])
  // At least the two pauses of 20 ms between three sends (a timer may fire a millisecond early).
  t.ok(performance.now() - started >= 38, `${Math.round(performance.now() - started)} ms`)
})
