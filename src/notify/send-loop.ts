// The claim loop of the outbox and the events: claims due rows under a lease (backoff while the database fails), runs them, stops.
import type { Logger } from 'pino'
import { systemClock, type Clock } from '../clock.js'
import type { Foreground } from '../foreground.js'
import type { Outage } from './outage.js'

export interface SendLoopOptions<Row> {
  /** Its `sleep` waits while there is no work, and before a claim after the database failed. */
  clock: Clock
  logger: Logger
  /** Sends in flight at most. */
  concurrency: number
  /** Rows claimed at most at a time. */
  batch: number
  /** Claim only when at least this many places are free, so that claims (a transaction each) come a few rows at a time. */
  refill: number
  /** How long to wait when there is no work. */
  idleMs: number
  /** Counts the claims' failures (and the sid writes'); what health() reports. */
  outage: Outage
  /** Claims up to `limit` due rows under a lease. */
  claim(limit: number): Promise<Row[]>
  /** Sends one claimed row; `signal` aborts when stopping. Rejects only when its outcome could not be recorded. */
  deliver(row: Row, signal: AbortSignal): Promise<void>
  /** Requests someone waits for: while any is being answered, one send at a time and `stepBack` between sends. */
  foreground?: Foreground
  /**
   * The pause between two sends while requests are answered: 20 ms of real time by default (at most 50 sends a
   * second). Pacing, not a rule, so not the clock's: a test clock that stands still must not stop the outbox.
   */
  stepBack?(signal: AbortSignal): Promise<void>
  /** Writes being tried again: no claim is made before they are written (a claim must never take back a row Twilio accepted). */
  unwritten?(): Promise<void> | undefined
  /** What the log says of a row whose outcome could not be recorded (a phone masked). */
  describe(row: Row): Record<string, unknown>
}

export interface Dispatcher {
  start(): void
  /** Stops claiming, lets in-flight sends finish, and gives back claimed rows that were not started. */
  stop(): Promise<void>
  /** Whether it is sending, or waiting for the database to answer again (for /healthz). */
  health(): DispatcherHealth
}

export interface DispatcherHealth {
  /** `retrying`: the database failed its last query and it waits to try again; `stopped`: not started, or stopped. */
  state: 'running' | 'retrying' | 'stopped'
  /** Queries failed in a row (0 unless retrying). */
  failures: number
  /** When the first of them failed (ISO 8601), while retrying. */
  failingSince?: string
}

const defaultStepBack = (signal: AbortSignal) => systemClock.sleep(20, signal)

export function createSendLoop<Row>(options: SendLoopOptions<Row>): Dispatcher {
  const { clock, logger, concurrency, outage } = options
  const inFlight = new Set<Promise<void>>()
  let stopping = new AbortController()
  let loop: Promise<void> | undefined
  let state: DispatcherHealth['state'] = 'stopped'

  /** The next rows to send; none (after waiting with backoff) when the database failed to answer. */
  async function claimNext(room: number, signal: AbortSignal): Promise<Row[] | undefined> {
    try {
      const rows = await options.claim(Math.min(options.batch, room - inFlight.size))
      outage.answered()
      return rows
    } catch (err) {
      await clock.sleep(outage.failed(err, 'could not claim queued messages'), signal)
      return undefined
    }
  }

  /** Claims and starts sends until stopped. A failed query never ends it: it waits, and tries again. */
  async function run(): Promise<void> {
    const signal = stopping.signal
    while (!signal.aborted) {
      // Webhooks and pages first: while one is being answered, the loop keeps to one send at a time (below, paced).
      const stepBack = options.foreground?.busy() === true
      const room = stepBack ? 1 : concurrency
      if (room - inFlight.size < Math.min(options.refill, room)) {
        await Promise.race(inFlight)
        continue
      }
      // Sids not yet written first: a claim must never take back a row Twilio already accepted.
      const unwritten = options.unwritten?.()
      if (unwritten !== undefined) {
        await unwritten
        continue
      }
      const rows = await claimNext(room, signal)
      if (rows === undefined) continue
      if (rows.length === 0) {
        await clock.sleep(options.idleMs, signal)
        continue
      }
      for (const row of rows) {
        const sending: Promise<void> = options
          .deliver(row, signal)
          .catch((err: unknown) => {
            logger.error({ err, ...options.describe(row) }, 'could not record a send; its lease will expire and it will be retried')
          })
          .finally(() => inFlight.delete(sending))
        inFlight.add(sending)
      }
      // A batch is bounded (at most `batch` rows): between two, the event loop serves what waits (webhooks, pages)
      // before the next claim, so a fan-out never holds them up for more than one batch's work. While requests are
      // being answered, the pause is longer: a fan-out then takes a small share of the process, not half of it.
      if (stepBack) await (options.stepBack ?? defaultStepBack)(signal)
      else await new Promise((resolve) => setImmediate(resolve))
    }
  }

  return {
    start() {
      if (loop !== undefined) return
      stopping = new AbortController()
      state = 'running'
      outage.reset()
      loop = run().then(
        () => void (state = 'stopped'),
        /* c8 ignore next 4 -- run() catches every query's failure; this is the net under a bug, not a path */
        (err: unknown) => {
          state = 'stopped'
          logger.error({ err }, 'dispatcher stopped by an error')
        },
      )
    },
    async stop() {
      stopping.abort()
      await loop
      await Promise.all(inFlight)
      loop = undefined
    },
    health() {
      const failing = outage.current()
      if (state !== 'running' || failing === undefined) return { state, failures: 0 }
      return { state: 'retrying', failures: failing.failures, failingSince: failing.since.toISOString() }
    },
  }
}
