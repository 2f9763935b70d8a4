// The send-slot rate gate: each send waits for its turn on the deployment's shared send schedule (SEND_RATE_PER_SECOND).
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { moveSchedule, takeSendSlot, type SendRate } from './queries.js'

export interface SendGateOptions {
  db: Db
  /** Its `sleep` waits for a slot. */
  clock: Clock
  /** The rate of all instances together. */
  ratePerSecond: number
  /** The most slots taken in one statement above 1 000 a second (the claim size: more would go unused). */
  maxReserved: number
}

export interface SendGate {
  /** Resolves when this send's slot has come, or at once when `signal` aborts (the slot goes unused). */
  waitForSlot(signal: AbortSignal): Promise<void>
}

export function createSendGate(options: SendGateOptions): SendGate {
  const { db, clock } = options
  const interval = 1000 / options.ratePerSecond
  // A slot may be kept up to half an interval (or 5 ms) late: a timer's lateness must not slow the rate.
  const rate: SendRate = { intervalMs: interval, latenessMs: Math.min(interval / 2, 5) }
  // Slots taken in one statement when they are closer than a millisecond (see takeReservedSlot), and those not yet used.
  const slotsPerMs = Math.max(1, Math.min(options.maxReserved, Math.floor(1 / interval)))
  let reserved: number[] = []
  let turns: Promise<void> = Promise.resolve()

  /**
   * Takes the next slot on the deployment's shared schedule (SEND_RATE_PER_SECOND is the rate of all instances
   * together) and waits for it; below 1 ms (a timer's resolution) a send goes at once. This instance's turns are
   * taken one at a time, in order. A turn that ends later than the lateness allowed (or a new schedule's first turn,
   * at all late) moves the schedule to now; if another instance has taken the next slot meanwhile, a turn late by
   * less than half an interval goes anyway and a later one takes a fresh slot, so that slots are not wasted to
   * timer jitter and a stall never turns into a burst.
   */
  function waitForSlot(signal: AbortSignal): Promise<void> {
    const turn = turns.then(() => (slotsPerMs > 1 ? takeReservedSlot(signal) : takeOneSlot(signal)))
    turns = turn.catch(() => {})
    return turn
  }

  async function takeOneSlot(signal: AbortSignal): Promise<void> {
    for (;;) {
      const reservedAt = clock.now().getTime()
      const slot = await takeSendSlot(db, new Date(reservedAt), rate)
      const wait = await waitUntil(slot, signal)
      // A new schedule (after idle time) starts when its first send does.
      const late = -wait > rate.latenessMs || (slot === reservedAt && wait < 0)
      if (signal.aborted || !late || (await moveSchedule(db, slot, clock.now(), rate))) return
      // Another instance holds the next slot. A little late (up to half an interval, 25 ms at most) still leaves
      // that slot more than half an interval away, and any second at most one send more than the rate: go.
      // Later than that (this process stalled), sending would crowd the next slot: take a fresh one.
      if (-wait <= Math.min(rate.intervalMs / 2, 25)) return
    }
  }

  /**
   * Above 1 000 sends a second the slots are closer than a timer can tell apart, and a statement per send would cost
   * more than the send: a millisecond's worth of slots is taken in one statement and used in order. A slot more than
   * a millisecond past is dropped with the rest (the schedule restarts from now at the next take), so a stall lets
   * through at most one millisecond's worth at once.
   */
  async function takeReservedSlot(signal: AbortSignal): Promise<void> {
    const now = clock.now().getTime()
    if (reserved.length > 0 && (reserved[0] as number) < now - 1) reserved = []
    if (reserved.length === 0) {
      const first = await takeSendSlot(db, new Date(now), rate, slotsPerMs)
      reserved = Array.from({ length: slotsPerMs }, (_, i) => first + i * rate.intervalMs)
    }
    await waitUntil(reserved.shift() as number, signal)
  }

  /** Waits for a slot, unless it is less than a millisecond (a timer's resolution) away; returns how far away it still is. */
  async function waitUntil(slot: number, signal: AbortSignal): Promise<number> {
    let wait = slot - clock.now().getTime()
    while (wait >= 1 && !signal.aborted) {
      await clock.sleep(wait, signal)
      wait = slot - clock.now().getTime()
    }
    return wait
  }

  return { waitForSlot }
}
