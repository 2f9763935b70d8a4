// A database outage as the dispatcher sees it: queries failed in a row, since when, and how long to wait before the next try.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'

/** Before querying again after the database failed: 1 s, 2 s, 4 s … capped at 30 s, each between half and all of it. */
export function databaseRetryMs(failures: number, random: () => number): number {
  const ceiling = Math.min(1000 * 2 ** (failures - 1), 30_000)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

export interface Outage {
  /** Counts a failed query and logs it (`what` could not be done); returns how long to wait before trying again. */
  failed(err: unknown, what: string): number
  /** A query worked: an outage, if there was one, is over (logged once). */
  answered(): void
  /** Forgets any outage, without a log line: a fresh start. */
  reset(): void
  /** The queries failed in a row and when the first of them failed; undefined while the database answers. */
  current(): { failures: number; since: Date } | undefined
}

/** One count for the claim loop's queries and the sid writes alike: either failing means the dispatcher is not sending. */
export function createOutage(options: { clock: Pick<Clock, 'now'>; logger: Logger; random: () => number }): Outage {
  const { clock, logger, random } = options
  let failures = 0
  let since: Date | undefined
  return {
    failed(err, what) {
      failures += 1
      since ??= clock.now()
      const delay = databaseRetryMs(failures, random)
      logger.error({ err, failures, retryInMs: delay }, `${what}; the database did not answer, trying again`)
      return delay
    },
    answered() {
      if (failures === 0) return
      logger.info({ failures, sinceMs: clock.now().getTime() - (since as Date).getTime() }, 'the database answers again; sending resumes')
      failures = 0
      since = undefined
    },
    reset() {
      failures = 0
      since = undefined
    },
    current: () => (failures === 0 ? undefined : { failures, since: since as Date }),
  }
}
