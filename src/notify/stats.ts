// The outbox as the console's overview counts it: bounded reads (a window on an indexed column), grouped in SQL.
import { sql } from 'kysely'
import type { Db } from '../database.js'
import { scheduledRows } from './queries.js'

/** How the sends of a window ended, and what waits now. */
export interface SendOutcomes {
  /** Accepted by Twilio, no receipt yet (or never: the console sender). */
  sent: number
  delivered: number
  failed: number
  /** Not sent before the notification's expiresAt. */
  expired: number
  /** Waiting now: due or in flight (a retry waiting for its backoff included). */
  queued: number
  /** Waiting now for the notification's sendAt. */
  scheduled: number
  /** Waiting now for the recipient's quiet hours to end. */
  held: number
}

/**
 * Rows that reached an outcome since `since` (by their last change: outbox_updated_idx), and every row still waiting
 * at `now` (outbox_work_idx: status first), split as the progress API splits them.
 */
export async function sendOutcomes(db: Db, since: Date, now: Date): Promise<SendOutcomes> {
  const at = now.toISOString()
  const [ended, waiting] = await Promise.all([
    db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('updated_at', '>=', since.toISOString())
      .where('status', 'in', ['sent', 'delivered', 'failed', 'expired'])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('held_at').as('held'), scheduledRows(eb, at).as('scheduled')])
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirstOrThrow(),
  ])
  const by = (status: string) => Number(ended.find((r) => r.status === status)?.n ?? 0)
  const held = Number(waiting.held)
  const scheduled = Number(waiting.scheduled ?? 0)
  return {
    sent: by('sent'),
    delivered: by('delivered'),
    failed: by('failed'),
    expired: by('expired'),
    queued: Number(waiting.n) - held - scheduled,
    scheduled,
    held,
  }
}

/** Rows that failed since `since`, by Twilio's error code (null: no code, e.g. a network error), most first. */
export async function failuresByCode(db: Db, since: Date): Promise<Array<{ code: number | null; count: number }>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['error_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('updated_at', '>=', since.toISOString())
    .where('status', '=', 'failed')
    .groupBy('error_code')
    .orderBy('n', 'desc')
    .orderBy('error_code')
    .execute()
  return rows.map((r) => ({ code: r.error_code === null ? null : Number(r.error_code), count: Number(r.n) }))
}

/**
 * Messages Twilio accepted (rows with a sid) since `since`, per minute of their last change (`YYYY-MM-DDTHH:MM`,
 * UTC), oldest first; minutes without any are left out. The minute is cut from the ISO timestamp in SQL, the same
 * text on SQLite and PostgreSQL.
 */
export async function sendsPerMinute(db: Db, since: Date): Promise<Array<{ minute: string; count: number }>> {
  const minute = sql<string>`substr(${sql.ref('updated_at')}, 1, 16)`
  const rows = await db
    .selectFrom('outbox')
    .select([minute.as('minute'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('updated_at', '>=', since.toISOString())
    .where('sid', 'is not', null)
    .groupBy(minute)
    .orderBy(minute)
    .execute()
  return rows.map((r) => ({ minute: r.minute, count: Number(r.n) }))
}
