// Retention: rows past their window are pruned in small batches while the server runs, each table by its owner.
import type { Logger } from 'pino'
import { DAY, type Clock } from './clock.js'
import type { Config } from './config.js'
import type { Db } from './database.js'
import { pruneEvents } from './events/queries.js'
import { pruneLogins } from './auth/queries.js'
import { pruneFinishedOutbox } from './notify/queries.js'
import { pruneSessions } from './profiles/queries.js'
import { pruneConversations } from './sms/conversations.js'
import { pruneInboundMessages } from './sms/queries.js'
import { pruneOtpCodes, pruneOtpEvents, pruneSigninLinks } from './verify/queries.js'

export type RetentionConfig = Config['retention']

/** Each batch is one short statement (or transaction); a run stops after `maxBatches` per table and comes back soon. */
export interface PruneLimits {
  batchSize: number
  maxBatches: number
}

export const DEFAULT_LIMITS: PruneLimits = { batchSize: 500, maxBatches: 20 }

/** Removes at most `limit` rows past their window as of `now`; returns how many. */
type Pruner = (db: Db, now: Date, limit: number) => Promise<number>

function pruners(config: RetentionConfig) {
  const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY)
  return {
    inboundMessages: (db, now, limit) => pruneInboundMessages(db, before(now, config.inboundDays), limit),
    otpEvents: pruneOtpEvents,
    otpCodes: pruneOtpCodes,
    signinLinks: pruneSigninLinks,
    sessions: pruneSessions,
    outbox: (db, now, limit) => pruneFinishedOutbox(db, before(now, config.outboxDays), limit),
    // Delivered and failed events are kept as long as finished outbox rows: long enough to look into and retry one.
    events: (db, now, limit) => pruneEvents(db, before(now, config.outboxDays), limit),
    // Sign-ins started and never finished, once they expired (ten minutes): a flood of /auth/login leaves nothing behind.
    oidcLogins: (db, now, limit) => pruneLogins(db, now, limit),
    // A menu's numbers stop working when it expires; the row is left behind only by a phone that never came back.
    conversations: pruneConversations,
  } satisfies Record<string, Pruner>
}

export type Table = keyof ReturnType<typeof pruners>

export interface Pruned {
  removed: Record<Table, number>
  /** False when a table still had a full batch to go when the run reached `maxBatches`. */
  complete: boolean
}

/** One run: each table's pruner, batch after batch until a batch comes back short or `maxBatches` is reached. */
export async function pruneOnce(db: Db, now: Date, config: RetentionConfig, limits: PruneLimits = DEFAULT_LIMITS): Promise<Pruned> {
  const removed = {
    inboundMessages: 0,
    otpEvents: 0,
    otpCodes: 0,
    signinLinks: 0,
    sessions: 0,
    outbox: 0,
    events: 0,
    oidcLogins: 0,
    conversations: 0,
  }
  let complete = true
  for (const [table, prune] of Object.entries(pruners(config)) as Array<[Table, Pruner]>) {
    for (let batch = 0; ; batch++) {
      if (batch === limits.maxBatches) {
        complete = false
        break
      }
      const n = await prune(db, now, limits.batchSize)
      removed[table] += n
      if (n < limits.batchSize) break
    }
  }
  return { removed, complete }
}

export interface RetentionOptions {
  db: Db
  clock: Clock
  logger: Logger
  config: RetentionConfig
  /** Between runs; 5 minutes by default. */
  intervalMs?: number
  /** Before the next run when the last one stopped at its bound with rows still to go; 1 s by default. */
  catchUpMs?: number
  limits?: PruneLimits
}

export interface Retention {
  /** Cancels the next run and waits for one in progress, so that the database can be closed after it. */
  stop(): Promise<void>
}

/** Runs `pruneOnce` at once and then every `intervalMs` of the clock, sooner while catching up; a failed run is logged and retried. */
export function startRetention(options: RetentionOptions): Retention {
  const { db, clock, logger, config } = options
  const intervalMs = options.intervalMs ?? 300_000
  const catchUpMs = options.catchUpMs ?? 1000
  const stopping = new AbortController()

  async function run(): Promise<number> {
    try {
      const pruned = await pruneOnce(db, clock.now(), config, options.limits)
      if (Object.values(pruned.removed).some((n) => n > 0)) logger.info({ removed: pruned.removed }, 'retention: old rows pruned')
      return pruned.complete ? intervalMs : catchUpMs
    } catch (err) {
      logger.error({ err }, 'retention: pruning failed; the next run tries again')
      return intervalMs
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const next = await run()
      // The server's close aborts this wait (preClose), so the timer never outlives the app.
      await clock.sleep(next, stopping.signal)
    }
  })()

  return {
    async stop() {
      stopping.abort()
      await loop
    },
  }
}
