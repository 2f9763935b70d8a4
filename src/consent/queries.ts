// The consent_records table: an append-only record of every change of consent (opt-out, opt-in, subscriptions, verification).
import { Type, type Static } from 'typebox'
import { compiledOnce } from '../compiled-once.js'
import type { Db } from '../database.js'
import { emitEvents, type SmsbotEvent } from '../events/queries.js'
import type { ConsentAction, ConsentSource } from '../schema.js'

export type { ConsentAction, ConsentSource }

/** Through which channel a change came, and what said so: the keyword texted, Twilio's error code, how a phone was verified. */
export interface ConsentVia {
  source: ConsentSource
  detail?: string | null
}

export interface ConsentChange extends ConsentVia {
  phone: string
  action: ConsentAction
  topic?: string | null
}

/** One change as the API answers it (GET /api/phones/:phone/consent) and the CLI prints it. */
export const ConsentRecord = Type.Object({
  at: Type.String(),
  action: Type.String(),
  source: Type.String(),
  topic: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
})
export type ConsentRecord = Static<typeof ConsentRecord>

/** Appends one record; called in the same transaction as the change it records, by the change's owner. */
export async function recordConsent(db: Db, change: ConsentChange, now: Date): Promise<void> {
  await recordConsents(db, [change], now)
}

/**
 * Appends the records, and with them the events they tell (opt-outs and opt-ins, subscriptions made and removed), in
 * the caller's transaction: every channel that records consent (SMS, the web, the API, Twilio's 21610) tells it so.
 */
export async function recordConsents(db: Db, changes: readonly ConsentChange[], now: Date): Promise<void> {
  if (changes.length === 0) return
  const at = now.toISOString()
  const records = changes.map((c) => ({
    phone: c.phone,
    at,
    action: c.action,
    source: c.source,
    topic_key: c.topic ?? null,
    detail: c.detail?.slice(0, 40) ?? null,
  }))
  if (records.length === 1) await insertRecord(db, records[0] as Stored & { at: string })
  else await db.insertInto('consent_records').values(records).execute()
  await emitEvents(db, records.flatMap(eventOf), now)
}

type Stored = { phone: string; action: ConsentAction; source: ConsentSource; topic_key: string | null; detail: string | null }

/** One record, the usual case (a SUB, a STOP), by a statement compiled once; several go in one multi-row insert. */
const insertRecord = compiledOnce(['phone', 'at', 'action', 'source', 'topic_key', 'detail'], (db, record: Stored & { at: string }) =>
  db.insertInto('consent_records').values(record),
)

/** The event a consent record tells; none for a verification (signInWithPhone tells it, with the profile). */
function eventOf({ phone, action, source, topic_key, detail }: Stored): SmsbotEvent[] {
  const topic = topic_key ?? ''
  switch (action) {
    case 'opt_out':
      return [{ type: 'phone.opted_out', data: { phone, source, detail } }]
    case 'opt_in':
      return [{ type: 'phone.opted_in', data: { phone, source, detail } }]
    case 'subscribe':
      return [{ type: 'subscription.created', data: { phone, topic, source } }]
    case 'unsubscribe':
      return [{ type: 'subscription.deleted', data: { phone, topic, source } }]
    case 'verify':
      return []
  }
}

/** A phone's record, oldest first. */
export async function consentRecords(db: Db, phone: string): Promise<ConsentRecord[]> {
  const rows = await db
    .selectFrom('consent_records')
    .select(['at', 'action', 'source', 'topic_key', 'detail'])
    .where('phone', '=', phone)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ at: r.at, action: r.action, source: r.source, topic: r.topic_key, detail: r.detail }))
}
