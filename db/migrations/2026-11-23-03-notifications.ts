// Notifications: what operators publish, and a durable outbox row per recipient that dispatchers claim with leases.
import type { Kysely } from 'kysely'
import { autoId } from './columns.js'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phones').addColumn('invalid_at', 'text').execute()

  await db.schema
    .createTable('notifications')
    .addColumn(...autoId(db))
    .addColumn('topic_key', 'text', (c) => c.notNull().references('topics.key'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  // status: queued → sending (leased) → sent → delivered | failed; a row with a sid is never sent again.
  await db.schema
    .createTable('outbox')
    .addColumn(...autoId(db))
    .addColumn('notification_id', 'integer', (c) => c.notNull().references('notifications.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('sid', 'text', (c) => c.unique())
    .addColumn('error_code', 'integer')
    .addColumn('error_message', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('outbox_work_idx').on('outbox').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('outbox_notification_idx').on('outbox').columns(['notification_id', 'status']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').execute()
  await db.schema.dropTable('notifications').execute()
  await db.schema.alterTable('phones').dropColumn('invalid_at').execute()
}
