// Phone verification: profiles, the verified link from a phone to a profile, one-time codes and their rate events.
import type { Kysely } from 'kysely'
import { autoId } from './columns.js'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .alterTable('phones')
    .addColumn('profile_id', 'text', (c) => c.references('profiles.id').onDelete('set null'))
    .execute()
  await db.schema.alterTable('phones').addColumn('verified_at', 'text').execute()
  await db.schema.createIndex('phones_profile_idx').on('phones').column('profile_id').execute()

  // One pending code per phone: a new code replaces the row. Only an HMAC of the code is kept.
  await db.schema
    .createTable('otp_codes')
    .addColumn('phone', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consumed_at', 'text')
    .execute()

  // Sends and failed checks, counted in rolling windows per phone and per client IP.
  await db.schema
    .createTable('otp_events')
    .addColumn(...autoId(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('otp_events_phone_idx').on('otp_events').columns(['phone', 'kind', 'at']).execute()
  await db.schema.createIndex('otp_events_ip_idx').on('otp_events').columns(['ip', 'kind', 'at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('otp_events').execute()
  await db.schema.dropTable('otp_codes').execute()
  await db.schema.dropIndex('phones_profile_idx').execute()
  await db.schema.alterTable('phones').dropColumn('verified_at').execute()
  await db.schema.alterTable('phones').dropColumn('profile_id').execute()
  await db.schema.dropTable('profiles').execute()
}
