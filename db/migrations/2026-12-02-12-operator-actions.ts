// Who did what as an operator: the publisher of each notification, and an append-only record of every operator action.
import type { Kysely } from 'kysely'
import { autoId } from './columns.js'

export async function up(db: Kysely<any>): Promise<void> {
  // A console operator's profile id, or `api` / `cli` for the bearer-token API and the command line; null before this.
  await db.schema.alterTable('notifications').addColumn('published_by', 'text').execute()
  // The console's confirmation carries a one-time key: a second submit of the same confirmation finds the first notification.
  await db.schema.alterTable('notifications').addColumn('publish_key', 'text').execute()
  await db.schema.createIndex('notifications_publish_key_idx').on('notifications').column('publish_key').unique().execute()
  await db.schema
    .createTable('operator_actions')
    .addColumn(...autoId(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute()
  await db.schema.createIndex('operator_actions_at_idx').on('operator_actions').column('at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('operator_actions').execute()
  await db.schema.dropIndex('notifications_publish_key_idx').execute()
  await db.schema.alterTable('notifications').dropColumn('publish_key').execute()
  await db.schema.alterTable('notifications').dropColumn('published_by').execute()
}
