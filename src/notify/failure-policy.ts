// The one failure policy (pure, no I/O): what a failed send means, whether Twilio said so on the REST answer or on the status callback.

/** Twilio: the recipient replied STOP (or opted out at the carrier); nothing may be sent to it until it opts in. */
export const OPTED_OUT = 21610
/** Twilio: not a valid phone number (21211), not a number that can receive SMS (21614). */
export const UNREACHABLE: ReadonlySet<number> = new Set([21211, 21614])

export interface Failure {
  /** Twilio's error code, when it gave one. */
  code: number | null | undefined
  /** Whether the same send may work later (429, 5xx, a network error); a status callback's failure is final. */
  retryable: boolean
  /** The attempt that failed, counting from 1. */
  attempt: number
  maxAttempts: number
}

export type FailureDecision =
  | { action: 'retry'; delayMs: number }
  | {
      action: 'fail'
      /** Opt the phone out (consent record: source twilio, the code as detail). */
      optOut: boolean
      /** Mark the number unreachable: no notification is queued for it again. */
      markInvalid: boolean
    }

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 5 minutes, each between half and all of it. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(2000 * 2 ** attempt, 300_000)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * What to do about a failed send. A code that speaks about the number itself (opted out, unreachable) is final
 * whatever the transport said; anything else retryable is retried with backoff until the last attempt.
 */
export function decideFailure(failure: Failure, random: () => number): FailureDecision {
  const optOut = failure.code === OPTED_OUT
  const markInvalid = failure.code != null && UNREACHABLE.has(failure.code)
  if (failure.retryable && !optOut && !markInvalid && failure.attempt < failure.maxAttempts) {
    return { action: 'retry', delayMs: backoffMs(failure.attempt - 1, random) }
  }
  return { action: 'fail', optOut, markInvalid }
}

/** What Twilio's status callback reports with a failure: final, so only the number's own codes do anything more. */
export function decideCallbackFailure(code: number | null): FailureDecision & { action: 'fail' } {
  return decideFailure({ code, retryable: false, attempt: 1, maxAttempts: 1 }, () => 0) as FailureDecision & { action: 'fail' }
}
