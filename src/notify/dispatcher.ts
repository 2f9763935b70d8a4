// Sends queued outbox rows: leases in the database, a token bucket for the rate, bounded concurrency, retries.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { Db } from '../database.js'
import { maskPhone } from '../log.js'
import { isOptedOut, markInvalid, setOptedOut } from '../phones/queries.js'
import type { OutboxRow } from '../schema.js'
import { SendError, type SmsSender } from '../sender/sender.js'
import { claimDue, notificationBody, recordFailed, recordRetry, recordSentMany, releaseClaims } from './queries.js'

export interface DispatcherOptions {
  db: Db
  sender: SmsSender
  clock: Clock
  logger: Logger
  ratePerSecond: number
  concurrency: number
  leaseMs: number
  maxAttempts: number
  /** Where Twilio posts delivery status (PUBLIC_URL/sms/status), when known. */
  statusCallback?: string | undefined
  /** How long to wait when there is no work. */
  idleMs?: number
  /** Waits `ms`; tests pass one that moves an injected clock. Must resolve early when `wake` is called. */
  sleep?: (ms: number, wake: AbortSignal) => Promise<void>
  random?: () => number
  /** Notification texts kept in memory (the oldest dropped beyond it); 64 by default. */
  bodyCacheSize?: number
}

export interface Dispatcher {
  start(): void
  /** Stops claiming, lets in-flight sends finish, and gives back claimed rows that were not started. */
  stop(): Promise<void>
}

/** Twilio error codes that say the number itself cannot receive. */
const OPTED_OUT = 21610
const INVALID_NUMBER = new Set([21211, 21614])

const realSleep = (ms: number, wake: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      wake.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    wake.addEventListener('abort', done, { once: true })
  })

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 5 minutes, each between half and all of it. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(2000 * 2 ** attempt, 300_000)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, sender, clock, logger } = options
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const interval = 1000 / options.ratePerSecond
  // Never claim more than can be started well within the lease, so a live claim is never taken over.
  const batch = Math.max(1, Math.min(options.concurrency, Math.floor((options.ratePerSecond * options.leaseMs) / 2000)))
  const lateness = Math.min(interval / 2, 5)
  const refill = Math.min(batch, Math.ceil(options.concurrency / 2))
  const bodies = new Map<number, string>()
  const bodyCacheSize = options.bodyCacheSize ?? 64
  const inFlight = new Set<Promise<void>>()
  let stopping = new AbortController()
  let loop: Promise<void> | undefined
  let gate: Promise<void> = Promise.resolve()
  let lastStart = -Infinity
  let pendingSent: Array<{ id: number; sid: string; resolve: () => void; reject: (err: unknown) => void }> = []

  /**
   * Token bucket of capacity one: send n starts no earlier than 1/rate after send n-1's slot, and idle time builds
   * up no burst. Slots follow the schedule rather than the timer's lateness (up to half an interval or 5 ms), so
   * the rate does not drift; below 1 ms (a timer's resolution) a send goes at once.
   * Turns are taken one at a time, in order.
   */
  function takeSlot(signal: AbortSignal): Promise<void> {
    const turn = gate.then(async () => {
      const due = lastStart + interval
      let wait = due - clock.now().getTime()
      while (wait >= 1 && !signal.aborted) {
        await sleep(wait, signal)
        wait = due - clock.now().getTime()
      }
      // A timer that fired a little late keeps the schedule (else every lateness would slow the rate); a turn
      // that came long after its slot (no work for a while) starts a new schedule from now.
      const now = clock.now().getTime()
      if (!signal.aborted) lastStart = now - due <= lateness ? due : now
    })
    gate = turn
    return turn
  }

  async function bodyOf(notificationId: number): Promise<string> {
    let body = bodies.get(notificationId)
    if (body === undefined) {
      body = await notificationBody(db, notificationId)
      bodies.set(notificationId, body)
      // Only a few notifications are being sent at a time; one no longer sent is read again if it ever comes back.
      if (bodies.size > bodyCacheSize) bodies.delete(bodies.keys().next().value as number)
    }
    return body
  }

  async function deliver(row: OutboxRow, signal: AbortSignal): Promise<void> {
    if (await isOptedOut(db, row.phone)) return recordFailed(db, row.id, null, 'opted out before sending', clock.now())
    const body = await bodyOf(row.notification_id)
    await takeSlot(signal)
    // Stopping while waiting for a turn: give the row back for the next start.
    if (signal.aborted) return releaseClaims(db, [row.id], clock.now())
    let sid: string
    try {
      sid = (await sender.send({ to: row.phone, body, statusCallback: options.statusCallback })).sid
    } catch (err) {
      return handleFailure(row, err)
    }
    // Twilio accepted the message: from here on it is never sent again (see README, "the duplicate window").
    await commitSent(row.id, sid)
  }

  /**
   * Group commit: sids recorded in the same event-loop turn share one transaction. A row stays in flight (and
   * counts against the concurrency) until its sid is committed, so the duplicate window is no wider.
   */
  function commitSent(id: number, sid: string): Promise<void> {
    return new Promise((resolve, reject) => {
      pendingSent.push({ id, sid, resolve, reject })
      if (pendingSent.length === 1) setImmediate(flushSent)
    })
  }

  function flushSent(): void {
    const batch = pendingSent
    pendingSent = []
    recordSentMany(db, batch, clock.now()).then(
      () => batch.forEach((sent) => sent.resolve()),
      (err: unknown) => batch.forEach((sent) => sent.reject(err)),
    )
  }

  async function handleFailure(row: OutboxRow, err: unknown): Promise<void> {
    const error = err instanceof SendError ? err : new SendError((err as Error).message, true)
    const now = clock.now()
    const attempt = row.attempts + 1
    const to = maskPhone(row.phone)
    if (error.retryable && attempt < options.maxAttempts) {
      const delay = backoffMs(row.attempts, random)
      logger.warn({ to, status: error.status, code: error.code, attempt, retryInMs: delay }, 'send failed; will retry')
      return recordRetry(db, row.id, new Date(now.getTime() + delay), error.message, now)
    }
    logger.warn({ to, status: error.status, code: error.code, attempt }, error.retryable ? 'send failed; giving up' : 'send refused')
    await recordFailed(db, row.id, error.code ?? null, error.message, now)
    if (error.code === OPTED_OUT) await setOptedOut(db, row.phone, true, now)
    if (error.code !== undefined && INVALID_NUMBER.has(error.code)) {
      await markInvalid(db, row.phone, now)
    }
  }

  async function run(): Promise<void> {
    const signal = stopping.signal
    while (!signal.aborted) {
      // Claim when at least `refill` slots are free, so that claims (a transaction each) come a few rows at a time.
      if (options.concurrency - inFlight.size < refill) {
        await Promise.race(inFlight)
        continue
      }
      const rows = await claimDue(db, clock.now(), options.leaseMs, Math.min(batch, options.concurrency - inFlight.size))
      if (rows.length === 0) {
        await sleep(options.idleMs ?? 250, signal)
        continue
      }
      for (const row of rows) {
        const sending: Promise<void> = deliver(row, signal)
          .catch((err: unknown) => logger.error({ err, to: maskPhone(row.phone) }, 'could not record a send; its lease will expire and it will be retried'))
          .finally(() => inFlight.delete(sending))
        inFlight.add(sending)
      }
    }
  }

  return {
    start() {
      if (loop !== undefined) return
      stopping = new AbortController()
      loop = run().catch((err: unknown) => logger.error({ err }, 'dispatcher stopped by an error'))
    },
    async stop() {
      stopping.abort()
      await loop
      await Promise.all(inFlight)
      loop = undefined
    },
  }
}
