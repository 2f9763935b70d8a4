// Group commit of accepted sends: the sids Twilio returned in one event-loop turn are written in one transaction, until written.
import type { Clock } from '../clock.js'
import type { Outage } from './outage.js'
import type { Claim } from './queries.js'

export type SentClaim = Claim & { sid: string }

export interface SentCommitterOptions {
  /** Its `sleep` waits between tries of a failed write. */
  clock: Clock
  /** Writes the sids of these claims in one transaction (recordSentMany). */
  write(sent: SentClaim[], now: Date): Promise<unknown>
  /** Told of each failed write and of the first that works again. */
  outage: Outage
}

export interface SentCommitter {
  /**
   * Resolves once the sid is written. A row stays in flight (and counts against the concurrency) until then, so the
   * duplicate window is no wider. Rejects only when `signal` has aborted and the last try failed: the row is then
   * left to its lease. Commits of one event-loop turn belong to one run of the dispatcher (one `signal`).
   */
  commit(claim: Claim, sid: string, signal: AbortSignal): Promise<void>
  /** While failed writes are being tried again, a promise that resolves when one of them is written; no claim may be made meanwhile. */
  unwritten(): Promise<void> | undefined
}

interface Waiting extends SentClaim {
  resolve(): void
  reject(err: unknown): void
}

export function createSentCommitter(options: SentCommitterOptions): SentCommitter {
  const { clock, outage } = options
  let waiting: Waiting[] = []
  /** Writes that failed and are being tried again. */
  const retrying = new Set<Promise<void>>()

  function commit(claim: Claim, sid: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      waiting.push({ id: claim.id, claim_token: claim.claim_token, sid, resolve, reject })
      if (waiting.length === 1) setImmediate(() => flush(signal))
    })
  }

  function flush(signal: AbortSignal): void {
    const batch = waiting
    waiting = []
    writeUntilDone(
      batch.map(({ id, claim_token, sid }) => ({ id, claim_token, sid })),
      signal,
    ).then(
      () => batch.forEach((sent) => sent.resolve()),
      (err: unknown) => batch.forEach((sent) => sent.reject(err)),
    )
  }

  /**
   * Twilio has these messages: their sids must be written, or the rows would be sent again once their lease ends.
   * A failed write is tried again with backoff until it works (and no claim is made meanwhile); once stopping, one
   * last time.
   */
  async function writeUntilDone(sent: SentClaim[], signal: AbortSignal): Promise<void> {
    let written!: () => void
    const retry = new Promise<void>((resolve) => (written = resolve))
    try {
      for (;;) {
        try {
          await options.write(sent, clock.now())
          return outage.answered()
        } catch (err) {
          if (signal.aborted) throw err
          retrying.add(retry)
          await clock.sleep(outage.failed(err, `could not record ${sent.length} accepted send(s)`), signal)
        }
      }
    } finally {
      retrying.delete(retry)
      written()
    }
  }

  return {
    commit,
    unwritten: () => (retrying.size === 0 ? undefined : Promise.race(retrying)),
  }
}
