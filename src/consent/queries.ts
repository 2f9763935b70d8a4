// The consent_records table: an append-only record of every change of consent (opt-out, opt-in, subscriptions, verification).
import { Type, type Static } from 'typebox'
import type { Db } from '../database.js'
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

export async function recordConsents(db: Db, changes: readonly ConsentChange[], now: Date): Promise<void> {
  if (changes.length === 0) return
  const at = now.toISOString()
  await db
    .insertInto('consent_records')
    .values(
      changes.map((c) => ({
        phone: c.phone,
        at,
        action: c.action,
        source: c.source,
        topic_key: c.topic ?? null,
        detail: c.detail?.slice(0, 40) ?? null,
      })),
    )
    .execute()
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
