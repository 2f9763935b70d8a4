// The inbound_messages table: each MessageSid claimed once, with the reply it got, so a retry gets the same reply.
import { compiledOnce } from '../compiled-once.js'
import { deleteBatch, type Db } from '../database.js'

/**
 * Claims a MessageSid for this request; false when it was claimed before. On PostgreSQL a simultaneous claim of the
 * same sid waits here until the first transaction ends, then sees its row: the duplicate never runs the command.
 */
export async function claimMessage(db: Db, messageSid: string, phone: string, now: Date): Promise<boolean> {
  const claimed = await insertClaim(db, { messageSid, phone, receivedAt: now.toISOString() })
  return claimed.rows.length > 0
}

const insertClaim = compiledOnce(
  ['messageSid', 'phone', 'receivedAt'],
  (db, v: { messageSid: string; phone: string; receivedAt: string }) =>
    db
      .insertInto('inbound_messages')
      .values({ message_sid: v.messageSid, phone: v.phone, command: '', reply: '', received_at: v.receivedAt })
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .returning('message_sid'),
)

/** What a claimed message was recorded as while its forward is under way (see sms/forward.ts); its reply comes later. */
export const FORWARDING = 'forwarding'

/** What a claimed MessageSid was recorded as, and its reply (committed, since the claim waited for it). */
export async function storedMessage(
  db: Db,
  messageSid: string,
): Promise<{ command: string; reply: string; receivedAt: string } | undefined> {
  return db
    .selectFrom('inbound_messages')
    .select(['command', 'reply', 'received_at as receivedAt'])
    .where('message_sid', '=', messageSid)
    .executeTakeFirst()
}

/**
 * Records the reply of a message whose forward was under way; false when it was no longer under way (a retry gave
 * up waiting and recorded the usual reply first): every request for that sid then answers what was recorded.
 */
export async function finishForward(db: Db, messageSid: string, reply: string): Promise<boolean> {
  const result = await db
    .updateTable('inbound_messages')
    .set({ command: 'forward', reply })
    .where('message_sid', '=', messageSid)
    .where('command', '=', FORWARDING)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Records what the claimed message was and the reply it got, in the claim's transaction. */
export async function saveReply(db: Db, messageSid: string, command: string, reply: string): Promise<void> {
  await updateReply(db, { messageSid, command, reply })
}

const updateReply = compiledOnce(['messageSid', 'command', 'reply'], (db, v: { messageSid: string; command: string; reply: string }) =>
  db.updateTable('inbound_messages').set({ command: v.command, reply: v.reply }).where('message_sid', '=', v.messageSid),
)

/**
 * Deletes up to `limit` inbound message records received before `before` (Twilio retries a webhook within minutes;
 * a record only has to outlive the retries); returns how many.
 */
export async function pruneInboundMessages(db: Db, before: Date, limit: number): Promise<number> {
  return deleteBatch(db, 'inbound_messages', 'message_sid', { column: 'received_at', bound: before.toISOString() }, limit)
}

/** Inbound messages received since `since`, counted by the command each was recorded as (the console's overview). */
export async function inboundByCommand(db: Db, since: Date): Promise<Array<{ command: string; count: number }>> {
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['command', (eb) => eb.fn.countAll<number>().as('count')])
    .where('received_at', '>=', since.toISOString())
    .groupBy('command')
    .orderBy('count', 'desc')
    .orderBy('command')
    .execute()
  return rows.map((r) => ({ command: r.command, count: Number(r.count) }))
}

/** An inbound message as the console lists it. */
export interface InboundMessage {
  receivedAt: string
  phone: string
  command: string
  reply: string
}

/** The latest `limit` inbound messages, newest first (as long as retention keeps them). */
export async function latestInbound(db: Db, limit: number): Promise<InboundMessage[]> {
  return db
    .selectFrom('inbound_messages')
    .select(['received_at as receivedAt', 'phone', 'command', 'reply'])
    .orderBy('received_at', 'desc')
    .orderBy('message_sid', 'desc')
    .limit(limit)
    .execute()
}
