// Delivers one claimed event to its target and records what came of it: delivered, another attempt later, or failed.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { maskPhonesIn } from '../log.js'
import type { EventTarget } from '../schema.js'
import type { Attempt } from './attempt.js'
import { nextAttemptAt } from './backoff.js'
import { recordEventAttempt, recordEventDelivered, releaseEvent, type ClaimedEvent } from './queries.js'

/** An e-mail address as a receiver's answer might echo it (from phone.verified's data). */
const EMAIL = /[^\s@"'`,;:<>()[\]{}]+@[^\s@"'`,;:<>()[\]{}]+/g

/** One attempt at a row of a target: the webhook poster, the Auth0 writer. */
export type Send = (row: ClaimedEvent) => Promise<Attempt>

export interface EventDeliveryOptions {
  db: Db
  clock: Pick<Clock, 'now'>
  logger: Logger
  /** The jitter of a retry's backoff. */
  random: () => number
  /** How each target's rows are sent; only the targets this instance has (it claims no other rows). */
  targets: Partial<Record<EventTarget, Send>>
  /** Told each attempt's outcome (for the metrics, and the tests). */
  onOutcome?: (row: ClaimedEvent, attempt: Attempt) => void
}

/** The work for one claimed event; it rejects only when its outcome could not be recorded (the row is left to its lease). */
export function createEventDelivery(options: EventDeliveryOptions): (row: ClaimedEvent, signal: AbortSignal) => Promise<void> {
  const { db, clock, logger } = options

  return async (row, signal) => {
    // Claimed as the loop was stopping: given back, due at once, for the next start or another instance.
    if (signal.aborted) return void (await releaseEvent(db, row, clock.now()))
    const send = options.targets[row.target]
    const attempt: Attempt =
      send === undefined ? { outcome: 'retry', error: `this instance does not deliver to ${row.target}` } : await send(row)
    options.onOutcome?.(row, attempt)
    const now = clock.now()
    const about = { id: row.id, target: row.target, type: row.type, attempt: row.attempts + 1 }
    let recorded: boolean
    if (attempt.outcome === 'delivered') {
      recorded = await recordEventDelivered(db, row, now)
      logger.debug(about, 'event delivered')
    } else {
      // The receiver's words may echo the event (a phone, an e-mail): masked in the log, kept as they are in last_error.
      const error = maskPhonesIn(attempt.error).replace(EMAIL, '[e-mail]')
      const next =
        attempt.outcome === 'retry'
          ? nextAttemptAt(
              { attempts: row.attempts, now, deadline: new Date(row.deadline_at), retryAfterMs: attempt.retryAfterMs },
              options.random,
            )
          : undefined
      recorded = await recordEventAttempt(db, row, attempt.error, next, now)
      if (next !== undefined) logger.warn({ ...about, error, nextAttemptAt: next.toISOString() }, 'event not delivered; will retry')
      else
        logger.warn(
          { ...about, error },
          attempt.outcome === 'failed' ? 'event refused; marked failed' : 'event not delivered in 24 h; marked failed',
        )
    }
    // Another instance took the row over after this lease ran out: its outcome stands, this one is dropped.
    if (!recorded) logger.warn(about, 'event claim was lost before its outcome was recorded')
  }
}
