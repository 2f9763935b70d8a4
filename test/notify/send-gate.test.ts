// The send-slot rate gate alone, on a real database and an injected clock: turns in order, lateness, stalls, other instances, bursts.
import t from 'tap'
import type { Clock } from '../../src/clock.js'
import type { Db } from '../../src/database.js'
import { takeSendSlot } from '../../src/notify/queries.js'
import { createSendGate } from '../../src/notify/send-gate.js'
import { testClock, testDb, type TestClock } from '../helpers.js'

const nextSlot = async (db: Db) =>
  Number((await db.selectFrom('send_schedule').select('next_slot_ms').executeTakeFirstOrThrow()).next_slot_ms)

/** Starts turns at once and notes the clock's time (from `start`) as each one's slot comes. */
function turns(gate: ReturnType<typeof createSendGate>, clock: Clock, start: number, count: number, signal = new AbortController().signal) {
  const at: number[] = []
  const turn = () => gate.waitForSlot(signal).then(() => void at.push(clock.now().getTime() - start))
  const all = Promise.all(Array.from({ length: count }, turn))
  return { at, all }
}

/**
 * A clock whose every sleep ends late by the next of `lateness` (0 once they run out) and moves time itself, as a timer
 * in a stalled process would; `during` runs inside each sleep, as another instance would meanwhile.
 */
function lateClock(lateness: number[], during: () => Promise<unknown> = async () => {}): TestClock {
  const clock = testClock()
  return {
    ...clock,
    sleep: async (ms) => {
      await during()
      clock.advance(ms + (lateness.shift() ?? 0))
    },
  }
}

t.test('turns are taken one at a time, in order, one interval apart on the shared schedule', async (t) => {
  const db = await testDb(t)
  const clock = testClock()
  const start = clock.now().getTime()
  const gate = createSendGate({ db, clock, ratePerSecond: 2, maxReserved: 10 })
  const { at, all } = turns(gate, clock, start, 4)
  await clock.runUntil(all, 10)
  t.same(at, [0, 500, 1000, 1500], 'the first at once, then one every 500 ms')
  t.equal(await nextSlot(db), start + 2000, 'four slots taken from the schedule')
  clock.advance(60_000)
  const later = turns(gate, clock, clock.now().getTime(), 1)
  await later.all
  t.same(later.at, [0], 'after idle time the schedule starts again from now: no wait, and no burst of saved-up slots')
})

t.test('a wake-up late by more than the lateness allowed moves the schedule to now: the next send keeps a whole interval', async (t) => {
  const db = await testDb(t)
  // The first sleep ends 200 ms late (the process stalled); the others on time.
  const clock = lateClock([200])
  const start = clock.now().getTime()
  const gate = createSendGate({ db, clock, ratePerSecond: 2, maxReserved: 10 })
  const { at, all } = turns(gate, clock, start, 3)
  await all
  t.same(at, [0, 700, 1200], 'the late turn goes when it wakes; the next is 500 ms after it, not at its old slot (1000) 300 ms later')

  // A timer a couple of milliseconds late keeps the schedule: the rate does not drift.
  const jitter = await testDb(t)
  const onTime = lateClock([2, 2, 2])
  const from = onTime.now().getTime()
  const steady = turns(createSendGate({ db: jitter, clock: onTime, ratePerSecond: 2, maxReserved: 10 }), onTime, from, 4)
  await steady.all
  t.same(steady.at, [0, 502, 1002, 1502], 'each turn 2 ms late, every slot still on the 500 ms grid')
})

t.test('another instance took the next slot while this one slept: a little late goes anyway, a stall takes a fresh slot', async (t) => {
  // 1 a second; another instance takes a slot during each sleep. 20 ms late is within the 25 ms allowed.
  const db = await testDb(t)
  const clock: TestClock = lateClock([20], () => takeSendSlot(db, clock.now(), { intervalMs: 1000, latenessMs: 5 }))
  const start = clock.now().getTime()
  const little = turns(createSendGate({ db, clock, ratePerSecond: 1, maxReserved: 10 }), clock, start, 2)
  await little.all
  t.same(little.at, [0, 1020], "its slot (1000) kept, 20 ms late: the other instance's (2000) is still 980 ms away")

  const stalled = await testDb(t)
  const slow: TestClock = lateClock([100], () => takeSendSlot(stalled, slow.now(), { intervalMs: 1000, latenessMs: 5 }))
  const from = slow.now().getTime()
  const fresh = turns(createSendGate({ db: stalled, clock: slow, ratePerSecond: 1, maxReserved: 10 }), slow, from, 2)
  await fresh.all
  // The first turn needs no sleep; the second's slot (1000) is passed by 100 ms, and the other instance holds 2000.
  t.same(fresh.at, [0, 3000], 'the stalled turn gave up its slot and waited for the next free one (3000)')
  // Taken in turn: 0 and 1000 (this one), 2000 (the other, during the first sleep), 3000 (this one), 4000 (the other, during the second).
  t.equal(await nextSlot(stalled), from + 5000, "the other instance's slots kept; none shared, none skipped but the stalled one")
})

t.test('a turn waiting for its slot ends at once when stopping; the gate goes on serving the next turns', async (t) => {
  const db = await testDb(t)
  const clock = testClock()
  const start = clock.now().getTime()
  const gate = createSendGate({ db, clock, ratePerSecond: 1, maxReserved: 10 })
  const stopping = new AbortController()
  const first = turns(gate, clock, start, 2, stopping.signal)
  await clock.tick(0)
  t.same(first.at, [0], 'the second turn waits for its slot (1000)')
  stopping.abort()
  await first.all
  t.same(first.at, [0, 0], 'it ended without the clock moving')
  const next = turns(gate, clock, start, 1)
  await clock.runUntil(next.all, 10)
  t.same(next.at, [2000], 'a later turn takes the slot after the unused one')
})

t.test('above 1 000 a second, a millisecond of slots is taken in one statement; leftovers a millisecond old are dropped', async (t) => {
  // 5 000 a second: a slot every 0.2 ms, five to a millisecond.
  const db = await testDb(t)
  const clock = testClock()
  const start = clock.now().getTime()
  const gate = createSendGate({ db, clock, ratePerSecond: 5000, maxReserved: 10 })
  const five = turns(gate, clock, start, 5)
  await five.all
  t.same(five.at, [0, 0, 0, 0, 0], 'five slots within the first millisecond: no timer can wait for them')
  t.equal(await nextSlot(db), start + 1, 'one statement took all five (1 ms of the schedule)')
  const sixth = turns(gate, clock, start, 1)
  await clock.runUntil(sixth.all, 1)
  t.same(sixth.at, [1], "the sixth took the next millisecond's five, and waited for the first of them")
  t.equal(await nextSlot(db), start + 2, 'a second statement')

  clock.advance(50)
  const afterIdle = turns(gate, clock, clock.now().getTime(), 1)
  await afterIdle.all
  t.same(afterIdle.at, [0], 'the four left over are 50 ms old: dropped, and a fresh millisecond is taken from now')
  t.equal(await nextSlot(db), clock.now().getTime() + 1, 'a fresh statement: the schedule restarted from now')

  const capped = await testDb(t)
  const two = createSendGate({ db: capped, clock, ratePerSecond: 5000, maxReserved: 2 })
  await two.waitForSlot(new AbortController().signal)
  t.equal(await nextSlot(capped), clock.now().getTime() + 0.4, 'never more slots at once than a claim holds (2 × 0.2 ms)')
})
