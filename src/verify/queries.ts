// The otp_codes and otp_events tables: pending codes (hashed) and the send/failure events that rate limits count.
import { DAY, HOUR } from '../clock.js'
import { deleteBatch, type Db } from '../database.js'
import { LONGEST_WINDOW_MS, type OtpHistory, type StoredCode } from './rules.js'

/** The serialisation key for sends from one client address (see `serialize`). */
export function ipLock(ip: string): string {
  return `ip:${ip}`
}

/** What the send rules need to know about a phone and a client address, as of `now`. */
export async function loadHistory(db: Db, phone: string, ip: string, now: Date): Promise<OtpHistory> {
  const hourAgo = new Date(now.getTime() - HOUR).toISOString()
  const [phoneSends, ipSends, failures] = await Promise.all([
    db
      .selectFrom('otp_events')
      .select('at')
      .where('phone', '=', phone)
      .where('kind', '=', 'send')
      .where('at', '>', hourAgo)
      .orderBy('at', 'desc')
      .execute(),
    db
      .selectFrom('otp_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ip', '=', ip)
      .where('kind', '=', 'send')
      .where('at', '>', hourAgo)
      .executeTakeFirstOrThrow(),
    failuresLastDay(db, phone, now),
  ])
  return {
    now,
    lastSentAt: phoneSends[0] === undefined ? undefined : new Date(phoneSends[0].at),
    sendsLastHourByPhone: phoneSends.length,
    sendsLastHourByIp: Number(ipSends.n),
    failuresLastDay: failures,
  }
}

/** Failed checks of a phone in the 24 h before `now`, oldest first. */
export async function failuresLastDay(db: Db, phone: string, now: Date): Promise<Date[]> {
  const since = new Date(now.getTime() - DAY).toISOString()
  const rows = await db
    .selectFrom('otp_events')
    .select('at')
    .where('phone', '=', phone)
    .where('kind', '=', 'failure')
    .where('at', '>', since)
    .orderBy('at')
    .execute()
  return rows.map((r) => new Date(r.at))
}

export async function recordEvent(db: Db, kind: 'send' | 'failure', phone: string, ip: string, now: Date): Promise<void> {
  await db.insertInto('otp_events').values({ kind, phone, ip, at: now.toISOString() }).execute()
}

/** Failed checks from one client address in the hour before `now`. */
export async function failuresLastHourByIp(db: Db, ip: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - HOUR).toISOString()
  const row = await db
    .selectFrom('otp_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('kind', '=', 'failure')
    .where('at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Claims a sign-in link's one-time id; false when it was used before. */
export async function claimLink(db: Db, id: string, phone: string, expiresAt: Date, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('signin_links')
    .values({ id, phone, used_at: now.toISOString(), expires_at: expiresAt.toISOString() })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Stores a new pending code for a phone, replacing any pending one. */
export async function storeCode(db: Db, phone: string, codeHash: string, now: Date, ttlSeconds: number): Promise<void> {
  const row = {
    phone,
    code_hash: codeHash,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    attempts: 0,
    consumed_at: null,
  }
  await db
    .insertInto('otp_codes')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('phone')
        .doUpdateSet({ code_hash: row.code_hash, created_at: row.created_at, expires_at: row.expires_at, attempts: 0, consumed_at: null }),
    )
    .execute()
}

/** Removes a code whose SMS could not be sent, unless a newer code replaced it meanwhile. */
export async function discardCode(db: Db, phone: string, codeHash: string): Promise<void> {
  await db.deleteFrom('otp_codes').where('phone', '=', phone).where('code_hash', '=', codeHash).execute()
}

export async function pendingCode(db: Db, phone: string): Promise<StoredCode | undefined> {
  return db
    .selectFrom('otp_codes')
    .select(['code_hash', 'expires_at', 'attempts', 'consumed_at'])
    .where('phone', '=', phone)
    .executeTakeFirst()
}

/**
 * Consumes the phone's live code with this hash. Atomic: of simultaneous right guesses exactly one gets true,
 * whatever else serialises them.
 */
export async function consumeCode(db: Db, phone: string, codeHash: string, maxAttempts: number, now: Date): Promise<boolean> {
  const at = now.toISOString()
  const row = await db
    .updateTable('otp_codes')
    .set({ consumed_at: at })
    .where('phone', '=', phone)
    .where('code_hash', '=', codeHash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', at)
    .where('attempts', '<', maxAttempts)
    .returning('phone')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Counts a wrong guess against the phone's live code, if it has tries left; returns the attempts used after it,
 * or undefined when nothing was counted (no live code, or its tries were used up by simultaneous guesses).
 */
export async function countWrongGuess(db: Db, phone: string, maxAttempts: number, now: Date): Promise<number | undefined> {
  const row = await db
    .updateTable('otp_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('phone', '=', phone)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('attempts', '<', maxAttempts)
    .returning('attempts')
    .executeTakeFirst()
  return row?.attempts
}

/** Deletes up to `limit` send/failure events older than the longest window a rule counts in; returns how many. */
export async function pruneOtpEvents(db: Db, now: Date, limit: number): Promise<number> {
  return deleteBatch(db, 'otp_events', 'id', { column: 'at', bound: new Date(now.getTime() - LONGEST_WINDOW_MS).toISOString() }, limit)
}

/** Deletes up to `limit` codes that expired more than a day before `now` (a check of one says "no code"); returns how many. */
export async function pruneOtpCodes(db: Db, now: Date, limit: number): Promise<number> {
  return deleteBatch(db, 'otp_codes', 'phone', { column: 'expires_at', bound: new Date(now.getTime() - DAY).toISOString() }, limit)
}

/** Deletes up to `limit` used sign-in links that expired before `now` (an expired link is refused by its signature anyway). */
export async function pruneSigninLinks(db: Db, now: Date, limit: number): Promise<number> {
  return deleteBatch(db, 'signin_links', 'id', { column: 'expires_at', bound: now.toISOString() }, limit)
}
