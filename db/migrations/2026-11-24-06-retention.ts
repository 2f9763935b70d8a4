// Retention: a notification keeps the counts of its pruned outbox rows, and the prune queries get their indexes.
import type { Kysely } from 'kysely'

const PRUNED = ['pruned_sent', 'pruned_delivered', 'pruned_failed'] as const

export async function up(db: Kysely<any>): Promise<void> {
  // One column per final status: pruned rows were never queued or sending (only finished notifications are pruned).
  for (const column of PRUNED) {
    await db.schema
      .alterTable('notifications')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  }
  await db.schema.createIndex('inbound_messages_received_idx').on('inbound_messages').column('received_at').execute()
  await db.schema.createIndex('otp_events_at_idx').on('otp_events').column('at').execute()
  await db.schema.createIndex('otp_codes_expiry_idx').on('otp_codes').column('expires_at').execute()
  await db.schema.createIndex('outbox_updated_idx').on('outbox').column('updated_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_updated_idx').execute()
  await db.schema.dropIndex('otp_codes_expiry_idx').execute()
  await db.schema.dropIndex('otp_events_at_idx').execute()
  await db.schema.dropIndex('inbound_messages_received_idx').execute()
  for (const column of [...PRUNED].reverse()) await db.schema.alterTable('notifications').dropColumn(column).execute()
}
