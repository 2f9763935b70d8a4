// Sends queued outbox rows: the composition of the claim loop, the send-slot rate gate, the sent-batch committer and the failure policy.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import type { Foreground } from '../foreground.js'
import { maskPhone } from '../log.js'
import { phoneSettingsOf, type PhoneSettings } from '../phones/queries.js'
import type { QuietWindow } from '../phones/settings.js'
import { zonesOfNumber } from '../phones/zones.js'
import type { SmsSender } from '../sender/sender.js'
import { createBodyCache } from './body-cache.js'
import { createDelivery, type SendOutcome } from './deliver.js'
import { createOutage } from './outage.js'
import { claimDue, recordSentMany } from './queries.js'
import { createSendGate } from './send-gate.js'
import { createSendLoop, type Dispatcher } from './send-loop.js'
import { createSendWindow } from './send-window.js'
import { createSentCommitter } from './sent-committer.js'

export { backoffMs } from './failure-policy.js'
export { databaseRetryMs } from './outage.js'
export type { Dispatcher, DispatcherHealth } from './send-loop.js'

export interface DispatcherOptions {
  db: Db
  sender: SmsSender
  /** Its time, and its `sleep` for every wait: a slot, no work, the database failing. */
  clock: Clock
  logger: Logger
  ratePerSecond: number
  concurrency: number
  leaseMs: number
  maxAttempts: number
  /** Where Twilio posts delivery status (PUBLIC_URL/sms/status), when known. */
  statusCallback?: string | undefined
  /** How long to wait when there is no work; 250 ms by default. */
  idleMs?: number
  /** Waits `ms` instead of the clock's `sleep` (tests that move the clock themselves). Must resolve early when `wake` aborts. */
  sleep?: (ms: number, wake: AbortSignal) => Promise<void>
  random?: () => number
  /** Told each send's outcome ('sent', 'retry', 'failed'), with Twilio's error code when there is one: for the metrics. */
  onOutcome?: (outcome: SendOutcome, errorCode?: number) => void
  /** The deployment's quiet hours (QUIET_HOURS); none when unset. A phone's own setting wins either way. */
  quietHours?: QuietWindow | undefined
  /** The zone of a number the mapping cannot place (DEFAULT_TIME_ZONE); America/New_York by default. */
  defaultTimeZone?: string
  /** The zones of a number; libphonenumber's mapping by default (tests may place numbers themselves). */
  zonesOf?: (phone: string) => readonly string[] | undefined
  /** Requests someone waits for (the app's): while any is answered, sends go one at a time, paced (send-loop.ts). */
  foreground?: Foreground
  /** Notification texts kept in memory (the oldest dropped beyond it); 64 by default. */
  bodyCacheSize?: number
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, logger, concurrency, sleep } = options
  // The parts wait on the clock; a test's own `sleep` takes the place of the clock's (each part passes a signal).
  const clock: Clock =
    sleep === undefined ? options.clock : { now: () => options.clock.now(), sleep: (ms, signal) => sleep(ms, signal as AbortSignal) }
  const random = options.random ?? Math.random
  // Never claim more than can be started well within the lease, so a live claim is never taken over.
  const batch = Math.max(1, Math.min(concurrency, Math.floor((options.ratePerSecond * options.leaseMs) / 2000)))
  const outage = createOutage({ clock, logger, random })
  const committer = createSentCommitter({ clock, outage, write: (sent, now) => recordSentMany(db, sent, now) })
  const deliver = createDelivery({
    db,
    sender: options.sender,
    clock,
    logger,
    maxAttempts: options.maxAttempts,
    statusCallback: options.statusCallback,
    random,
    onOutcome: options.onOutcome,
    gate: createSendGate({ db, clock, ratePerSecond: options.ratePerSecond, maxReserved: batch }),
    window: createSendWindow({
      db,
      clock,
      quietHours: options.quietHours,
      defaultTimeZone: options.defaultTimeZone ?? 'America/New_York',
      zonesOf: options.zonesOf ?? zonesOfNumber,
    }),
    committer,
    bodyOf: createBodyCache(db, options.bodyCacheSize ?? 64),
  })
  return createSendLoop({
    clock,
    logger,
    concurrency,
    batch,
    refill: Math.min(batch, Math.ceil(concurrency / 2)),
    idleMs: options.idleMs ?? 250,
    outage,
    foreground: options.foreground,
    claim: async (limit) => {
      const rows = await claimDue(db, clock.now(), options.leaseMs, limit)
      const settings = await phoneSettingsOf(
        db,
        rows.map((row) => row.phone),
      )
      return rows.map((row) => ({ ...row, settings: settings.get(row.phone) as PhoneSettings }))
    },
    deliver,
    unwritten: () => committer.unwritten(),
    describe: (row) => ({ to: maskPhone(row.phone) }),
  })
}
