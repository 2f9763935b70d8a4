// A chatbot operators can shape: short conversations (numbered menus), operator keywords, and each phone's language.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One open conversation per phone: the numbered menu it was shown (JSON), until it expires.
  await db.schema
    .createTable('conversations')
    .addColumn('phone', 'text', (c) => c.primaryKey())
    .addColumn('menu', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('conversations_expiry_idx').on('conversations').column('expires_at').execute()

  // Words an operator answers with a fixed reply, stored upper case (matched case-insensitively like commands).
  await db.schema
    .createTable('keywords')
    .addColumn('word', 'text', (c) => c.primaryKey())
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // null: never chosen (English). welcomed_at: when the first subscription was confirmed with the program identity.
  await db.schema.alterTable('phones').addColumn('language', 'text').execute()
  await db.schema.alterTable('phones').addColumn('welcomed_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phones').dropColumn('welcomed_at').execute()
  await db.schema.alterTable('phones').dropColumn('language').execute()
  await db.schema.dropTable('keywords').execute()
  await db.schema.dropIndex('conversations_expiry_idx').execute()
  await db.schema.dropTable('conversations').execute()
}
