// Sends one claimed row: the recipient's consent and quiet hours, its expiry, its slot, Twilio, then its outcome recorded.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { serialize, type Db } from '../database.js'
import { maskPhone } from '../log.js'
import { markInvalid, phoneLock, setOptedOut, type PhoneSettings } from '../phones/queries.js'
import { SendError, type SmsSender } from '../sender/sender.js'
import type { NotificationText } from './body-cache.js'
import { decideFailure, OPTED_OUT } from './failure-policy.js'
import { frameNotification } from './framing.js'
import { recordFailed, recordRetry, releaseClaim, type ClaimedRow } from './queries.js'
import type { SendGate } from './send-gate.js'
import type { SendWindow } from './send-window.js'
import type { SentCommitter } from './sent-committer.js'

export type SendOutcome = 'sent' | 'retry' | 'failed'

/** A claimed row with its recipient's settings, read for the whole claimed batch in one statement. */
export type ClaimedSend = ClaimedRow & { settings: PhoneSettings }

export interface DeliveryOptions {
  db: Db
  sender: SmsSender
  clock: Pick<Clock, 'now'>
  logger: Logger
  maxAttempts: number
  /** Where Twilio posts delivery status, when known. */
  statusCallback: string | undefined
  /** The jitter of a retry's backoff. */
  random: () => number
  onOutcome: ((outcome: SendOutcome, errorCode?: number) => void) | undefined
  gate: SendGate
  window: SendWindow
  committer: SentCommitter
  bodyOf(notificationId: number): Promise<NotificationText>
}

/** The work for one claimed row; it rejects only when its outcome could not be recorded (the row is left to its lease). */
export function createDelivery(options: DeliveryOptions): (row: ClaimedSend, signal: AbortSignal) => Promise<void> {
  const { db, sender, clock, logger, gate, window, committer } = options

  async function deliver(row: ClaimedSend, signal: AbortSignal): Promise<void> {
    const { settings } = row
    if (settings.optedOut) return void (await recordFailed(db, row, null, 'opted out before sending', clock.now()))
    const recipient = window.recipient(row.phone, settings)
    if (!(await window.mayGo(row, recipient))) return
    const { body: text, topicKey } = await options.bodyOf(row.notification_id)
    const body = frameNotification(text, topicKey, settings.language)
    await gate.waitForSlot(signal)
    // Stopping while waiting for a slot: give the row back for the next start.
    if (signal.aborted) return void (await releaseClaim(db, row, clock.now()))
    // The wait for a slot may have crossed the start of quiet hours or the expiry: look again (the slot goes unused).
    if (!(await window.mayGo(row, recipient))) return
    let sid: string
    try {
      sid = (await sender.send({ to: row.phone, body, statusCallback: options.statusCallback })).sid
    } catch (err) {
      return recordFailure(row, err)
    }
    // Twilio accepted the message: from here on it is never sent again (see README, "the duplicate window").
    options.onOutcome?.('sent')
    await committer.commit(row, sid, signal)
  }

  /** What the failure policy decided, recorded: a retry with backoff, or the row's end and what it says about the number. */
  async function recordFailure(row: ClaimedRow, err: unknown): Promise<void> {
    const error = err instanceof SendError ? err : new SendError((err as Error).message, true)
    const now = clock.now()
    const attempt = row.attempts + 1
    const to = maskPhone(row.phone)
    const failure = { code: error.code, retryable: error.retryable, attempt, maxAttempts: options.maxAttempts }
    const decision = decideFailure(failure, options.random)
    if (decision.action === 'retry') {
      logger.warn({ to, status: error.status, code: error.code, attempt, retryInMs: decision.delayMs }, 'send failed; will retry')
      options.onOutcome?.('retry', error.code)
      return void (await recordRetry(db, row, new Date(now.getTime() + decision.delayMs), error.message, now))
    }
    logger.warn({ to, status: error.status, code: error.code, attempt }, error.retryable ? 'send failed; giving up' : 'send refused')
    options.onOutcome?.('failed', error.code)
    // The row's outcome and what it says about the number, in one transaction (as the status callback does).
    await serialize(db, [phoneLock(row.phone)], async (trx) => {
      await recordFailed(trx, row, error.code ?? null, error.message, now)
      if (decision.optOut) await setOptedOut(trx, row.phone, true, now, { source: 'twilio', detail: String(OPTED_OUT) })
      if (decision.markInvalid) await markInvalid(trx, row.phone, now)
    })
  }

  return deliver
}
