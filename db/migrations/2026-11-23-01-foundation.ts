// Foundation: phones seen by the webhook, topics, subscriptions, and inbound messages for idempotent replies.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phones')
    .addColumn('phone', 'text', (c) => c.primaryKey())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('opted_out_at', 'text')
    .execute()

  await db.schema
    .createTable('topics')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute()

  await db.schema
    .createTable('subscriptions')
    .addColumn('phone', 'text', (c) => c.notNull().references('phones.phone').onDelete('cascade'))
    .addColumn('topic_key', 'text', (c) => c.notNull().references('topics.key').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscriptions_pk', ['phone', 'topic_key'])
    .execute()
  // The primary key serves lookups by phone; fan-out reads by topic.
  await db.schema.createIndex('subscriptions_topic_idx').on('subscriptions').columns(['topic_key', 'phone']).execute()

  await db.schema
    .createTable('inbound_messages')
    .addColumn('message_sid', 'text', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbound_messages').execute()
  await db.schema.dropTable('subscriptions').execute()
  await db.schema.dropTable('topics').execute()
  await db.schema.dropTable('phones').execute()
}
