// When an event is tried again: exponential backoff with jitter, a receiver's Retry-After, and the end of its 24 hours.

/** The first retry comes within this (5 to 10 s after the first attempt): a receiver that blinked gets it soon. */
export const FIRST_RETRY_MS = 10_000
/** The longest wait between two attempts; also the most a Retry-After is honoured for. */
export const MAX_RETRY_MS = 3_600_000

/** The wait after attempt number `attempts` (0 for the first) failed: 10 s · 2^attempts capped at 1 h, between half and all of it. */
export function retryDelayMs(attempts: number, random: () => number): number {
  const ceiling = Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts, 30), MAX_RETRY_MS)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}

export interface FailedAttempt {
  /** Attempts the row had before this one. */
  attempts: number
  now: Date
  /** The row's deadline_at: no attempt is made after it. */
  deadline: Date
  /** What the receiver asked for (Retry-After), when it did. */
  retryAfterMs?: number | undefined
}

/**
 * When to try again after a failed attempt, or undefined when that would be past the deadline (the event is then
 * failed). A Retry-After is waited out (up to MAX_RETRY_MS), never less than the backoff.
 */
export function nextAttemptAt(failed: FailedAttempt, random: () => number): Date | undefined {
  const backoff = retryDelayMs(failed.attempts, random)
  const asked = Math.min(failed.retryAfterMs ?? 0, MAX_RETRY_MS)
  const next = new Date(failed.now.getTime() + Math.max(backoff, asked))
  return next.getTime() > failed.deadline.getTime() ? undefined : next
}
