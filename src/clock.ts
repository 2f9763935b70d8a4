// The time source, injected so that expiry, rate rules and waits are tested by moving time, not by sleeping.
export interface Clock {
  now(): Date
  /** Waits `ms` of this clock's time; resolves early when `signal` aborts. A test clock waits until it is moved. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Real time: `setTimeout`, cancelled when the signal aborts. */
function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

export const systemClock: Clock = { now: () => new Date(), sleep: realSleep }

/** Lengths of time in milliseconds, for windows and lifetimes. */
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
