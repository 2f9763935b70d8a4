// Scheduled and expiring notifications, rows held for quiet hours, and the append-only record of every consent change.
import type { Kysely } from 'kysely'
import { autoId } from './columns.js'

export async function up(db: Kysely<any>): Promise<void> {
  // When the operator asked for it to go (not before) and when it stops being worth sending; null: now, never.
  await db.schema.alterTable('notifications').addColumn('send_at', 'text').execute()
  await db.schema.alterTable('notifications').addColumn('expires_at', 'text').execute()
  await db.schema
    .alterTable('notifications')
    .addColumn('pruned_expired', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  // Each row carries its notification's expiry (checked at claim and before the send) and, while it waits for the
  // recipient's quiet hours to end, when it was held (its next_attempt_at is then the window's opening).
  await db.schema.alterTable('outbox').addColumn('expires_at', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('held_at', 'text').execute()

  // Never updated or deleted (retention keeps it): who said yes or no to what, when, and through which channel.
  await db.schema
    .createTable('consent_records')
    .addColumn(...autoId(db))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('topic_key', 'text')
    .addColumn('detail', 'text')
    .execute()
  await db.schema.createIndex('consent_records_phone_idx').on('consent_records').columns(['phone', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_records').execute()
  await db.schema.alterTable('outbox').dropColumn('held_at').execute()
  await db.schema.alterTable('outbox').dropColumn('expires_at').execute()
  await db.schema.alterTable('notifications').dropColumn('pruned_expired').execute()
  await db.schema.alterTable('notifications').dropColumn('expires_at').execute()
  await db.schema.alterTable('notifications').dropColumn('send_at').execute()
}
