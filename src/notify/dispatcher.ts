// Sends queued outbox rows: leased claims, the deployment's shared send schedule, bounded concurrency, retries, quiet hours, expiry.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { serialize, type Db } from '../database.js'
import { maskPhone } from '../log.js'
import { markInvalid, phoneLock, phoneSettings, setOptedOut } from '../phones/queries.js'
import { effectiveQuietWindow, type QuietWindow } from '../phones/settings.js'
import { zonesOfNumber } from '../phones/zones.js'
import { SendError, type SmsSender } from '../sender/sender.js'
import { decideFailure, OPTED_OUT } from './failure-policy.js'
import { frameNotification } from './framing.js'
import { claimDue, notificationBody, recordExpired, recordFailed, recordHeld, recordRetry, recordSentMany, moveSchedule, releaseClaim, takeSendSlot, type ClaimedRow, type SendRate } from './queries.js'
import { quietState, recipientZones } from './quiet.js'

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
  /** Told each send's outcome ('sent', 'retry', 'failed'), with Twilio's error code when there is one: for the metrics. */
  onOutcome?: (outcome: 'sent' | 'retry' | 'failed', errorCode?: number) => void
  /** The deployment's quiet hours (QUIET_HOURS); none when unset. A phone's own setting wins either way. */
  quietHours?: QuietWindow | undefined
  /** The zone of a number the mapping cannot place (DEFAULT_TIME_ZONE); America/New_York by default. */
  defaultTimeZone?: string
  /** The zones of a number; libphonenumber's mapping by default (tests may place numbers themselves). */
  zonesOf?: (phone: string) => readonly string[] | undefined
  /** Notification texts kept in memory (the oldest dropped beyond it); 64 by default. */
  bodyCacheSize?: number
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

/** Before querying again after the database failed: 1 s, 2 s, 4 s … capped at 30 s, each between half and all of it. */
export function databaseRetryMs(failures: number, random: () => number): number {
  const ceiling = Math.min(1000 * 2 ** (failures - 1), 30_000)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

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

export { backoffMs } from './failure-policy.js'

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, sender, clock, logger } = options
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const interval = 1000 / options.ratePerSecond
  // Never claim more than can be started well within the lease, so a live claim is never taken over.
  const batch = Math.max(1, Math.min(options.concurrency, Math.floor((options.ratePerSecond * options.leaseMs) / 2000)))
  // A slot may be kept up to half an interval (or 5 ms) late: a timer's lateness must not slow the rate.
  const rate: SendRate = { intervalMs: interval, latenessMs: Math.min(interval / 2, 5) }
  const refill = Math.min(batch, Math.ceil(options.concurrency / 2))
  // Slots taken in one statement when they are closer than a millisecond (see takeReservedSlot), and those not yet used.
  const slotsPerMs = Math.max(1, Math.min(batch, Math.floor(1 / interval)))
  let reserved: number[] = []
  const bodies = new Map<number, { body: string; topicKey: string }>()
  const bodyCacheSize = options.bodyCacheSize ?? 64
  const inFlight = new Set<Promise<void>>()
  let stopping = new AbortController()
  let loop: Promise<void> | undefined
  let gate: Promise<void> = Promise.resolve()
  let pendingSent: Array<{ id: number; claim_token: string; sid: string; resolve: () => void; reject: (err: unknown) => void }> = []
  let state: DispatcherHealth['state'] = 'stopped'
  /** Queries that failed in a row, and since when: the claim loop's and the sid writes' alike. */
  let failures = 0
  let failingSince: Date | undefined
  /** Sid writes that failed and are being tried again: no claim is made before they are written. */
  const unrecorded = new Set<Promise<void>>()

  function databaseFailed(err: unknown, what: string): number {
    failures += 1
    failingSince ??= clock.now()
    const delay = databaseRetryMs(failures, random)
    logger.error({ err, failures, retryInMs: delay }, `${what}; the database did not answer, trying again`)
    return delay
  }

  function databaseAnswered(): void {
    if (failures === 0) return
    logger.info({ failures, sinceMs: clock.now().getTime() - (failingSince as Date).getTime() }, 'the database answers again; sending resumes')
    failures = 0
    failingSince = undefined
  }

  /**
   * Takes the next slot on the deployment's shared schedule (SEND_RATE_PER_SECOND is the rate of all instances
   * together) and waits for it; below 1 ms (a timer's resolution) a send goes at once. This instance's turns are
   * taken one at a time, in order. A turn that ends later than the lateness allowed (or a new schedule's first turn,
   * at all late) moves the schedule to now; if another instance has taken the next slot meanwhile, a turn late by
   * less than half an interval goes anyway and a later one takes a fresh slot, so that slots are not wasted to
   * timer jitter and a stall never turns into a burst.
   */
  function waitForSlot(signal: AbortSignal): Promise<void> {
    const turn = gate.then(() => (slotsPerMs > 1 ? takeReservedSlot(signal) : takeOneSlot(signal)))
    gate = turn.catch(() => {})
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
      await sleep(wait, signal)
      wait = slot - clock.now().getTime()
    }
    return wait
  }

  async function bodyOf(notificationId: number): Promise<{ body: string; topicKey: string }> {
    let body = bodies.get(notificationId)
    if (body === undefined) {
      body = await notificationBody(db, notificationId)
      bodies.set(notificationId, body)
      // Only a few notifications are being sent at a time; one no longer sent is read again if it ever comes back.
      if (bodies.size > bodyCacheSize) bodies.delete(bodies.keys().next().value as number)
    }
    return body
  }

  const defaultZone = options.defaultTimeZone ?? 'America/New_York'
  const zonesOf = options.zonesOf ?? zonesOfNumber

  /**
   * Whether a claimed row may go now. Past its expiry it ends as expired; in the recipient's quiet hours it is put
   * back until they end (or ends as expired when they end too late), so it takes no send slot while it waits.
   */
  async function mayGo(row: ClaimedRow, window: QuietWindow | undefined, zones: readonly string[]): Promise<boolean> {
    const now = clock.now()
    if (row.expires_at !== null && now.toISOString() >= row.expires_at) {
      await recordExpired(db, row, now)
      return false
    }
    const quiet = quietState(zones, window, now, defaultZone)
    if (!quiet.quiet) return true
    if (row.expires_at !== null && quiet.opensAt.toISOString() >= row.expires_at) await recordExpired(db, row, now)
    else await recordHeld(db, row, quiet.opensAt, now)
    return false
  }

  async function deliver(row: ClaimedRow, signal: AbortSignal): Promise<void> {
    const settings = await phoneSettings(db, row.phone)
    if (settings.optedOut) return void (await recordFailed(db, row, null, 'opted out before sending', clock.now()))
    const window = effectiveQuietWindow(settings.quietHours, options.quietHours)
    const zones = window === undefined ? [] : recipientZones(settings.timeZone, zonesOf(row.phone), defaultZone)
    if (!(await mayGo(row, window, zones))) return
    const { body: text, topicKey } = await bodyOf(row.notification_id)
    const body = frameNotification(text, topicKey, settings.language)
    await waitForSlot(signal)
    // Stopping while waiting for a slot: give the row back for the next start.
    if (signal.aborted) return void (await releaseClaim(db, row, clock.now()))
    // The wait for a slot may have crossed the start of quiet hours or the expiry: look again (the slot goes unused).
    if (!(await mayGo(row, window, zones))) return
    let sid: string
    try {
      sid = (await sender.send({ to: row.phone, body, statusCallback: options.statusCallback })).sid
    } catch (err) {
      return handleFailure(row, err)
    }
    // Twilio accepted the message: from here on it is never sent again (see README, "the duplicate window").
    options.onOutcome?.('sent')
    await commitSent(row, sid)
  }

  /**
   * Group commit: sids recorded in the same event-loop turn share one transaction. A row stays in flight (and
   * counts against the concurrency) until its sid is committed, so the duplicate window is no wider.
   */
  function commitSent(row: ClaimedRow, sid: string): Promise<void> {
    return new Promise((resolve, reject) => {
      pendingSent.push({ id: row.id, claim_token: row.claim_token, sid, resolve, reject })
      if (pendingSent.length === 1) setImmediate(flushSent)
    })
  }

  function flushSent(): void {
    const batch = pendingSent
    pendingSent = []
    recordSends(batch, stopping.signal).then(
      () => batch.forEach((sent) => sent.resolve()),
      (err: unknown) => batch.forEach((sent) => sent.reject(err)),
    )
  }

  /**
   * Twilio has these messages: their sids must be written, or the rows would be sent again once their lease ends.
   * A failed write is tried again with backoff until it works (and no claim is made meanwhile); once stopping, one
   * last time.
   */
  async function recordSends(batch: typeof pendingSent, signal: AbortSignal): Promise<void> {
    let written = () => {}
    const retrying = new Promise<void>((resolve) => (written = resolve))
    try {
      for (;;) {
        try {
          await recordSentMany(db, batch, clock.now())
          return databaseAnswered()
        } catch (err) {
          if (signal.aborted) throw err
          unrecorded.add(retrying)
          await sleep(databaseFailed(err, `could not record ${batch.length} accepted send(s)`), signal)
        }
      }
    } finally {
      unrecorded.delete(retrying)
      written()
    }
  }

  async function handleFailure(row: ClaimedRow, err: unknown): Promise<void> {
    const error = err instanceof SendError ? err : new SendError((err as Error).message, true)
    const now = clock.now()
    const attempt = row.attempts + 1
    const to = maskPhone(row.phone)
    const decision = decideFailure({ code: error.code, retryable: error.retryable, attempt, maxAttempts: options.maxAttempts }, random)
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

  /** The next rows to send; none (after waiting with backoff) when the database failed to answer. */
  async function claimNext(signal: AbortSignal): Promise<ClaimedRow[] | undefined> {
    try {
      const rows = await claimDue(db, clock.now(), options.leaseMs, Math.min(batch, options.concurrency - inFlight.size))
      databaseAnswered()
      return rows
    } catch (err) {
      await sleep(databaseFailed(err, 'could not claim queued messages'), signal)
      return undefined
    }
  }

  /** Claims and starts sends until stopped. A failed query never ends it: it waits, and tries again. */
  async function run(): Promise<void> {
    const signal = stopping.signal
    while (!signal.aborted) {
      // Claim when at least `refill` slots are free, so that claims (a transaction each) come a few rows at a time.
      if (options.concurrency - inFlight.size < refill) {
        await Promise.race(inFlight)
        continue
      }
      // Sids not yet written first: a claim must never take back a row Twilio already accepted.
      if (unrecorded.size > 0) {
        await Promise.race(unrecorded)
        continue
      }
      const rows = await claimNext(signal)
      if (rows === undefined) continue
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
      state = 'running'
      failures = 0
      failingSince = undefined
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
      if (state === 'running' && failures > 0) return { state: 'retrying', failures, failingSince: (failingSince as Date).toISOString() }
      return { state, failures: 0 }
    },
  }
}
