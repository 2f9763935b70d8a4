// Phones the service knows: first contact and the carrier opt-out state.
import type { Db } from '../database.js'

/** Records a phone the first time it is seen; later calls change nothing. */
export async function rememberPhone(db: Db, phone: string, now: Date): Promise<void> {
  await db
    .insertInto('phones')
    .values({ phone, first_seen_at: now.toISOString(), opted_out_at: null, profile_id: null, verified_at: null })
    .onConflict((oc) => oc.column('phone').doNothing())
    .execute()
}

export async function setOptedOut(db: Db, phone: string, optedOut: boolean, now: Date): Promise<void> {
  await rememberPhone(db, phone, now)
  await db
    .updateTable('phones')
    .set({ opted_out_at: optedOut ? now.toISOString() : null })
    .where('phone', '=', phone)
    .execute()
}

export async function isOptedOut(db: Db, phone: string): Promise<boolean> {
  const row = await db.selectFrom('phones').select('opted_out_at').where('phone', '=', phone).executeTakeFirst()
  return row?.opted_out_at != null
}
