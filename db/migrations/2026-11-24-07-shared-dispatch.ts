// Dispatch across instances: a token per claim (outcomes are written only by the claim's holder) and one send schedule.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('claim_token', 'text').execute()
  // One row per schedule ('outbox'): the next free send slot of the whole deployment, in epoch milliseconds.
  await db.schema
    .createTable('send_schedule')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_slot_ms', 'double precision', (c) => c.notNull())
    .execute()
  await db.insertInto('send_schedule').values({ name: 'outbox', next_slot_ms: 0 }).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('send_schedule').execute()
  await db.schema.alterTable('outbox').dropColumn('claim_token').execute()
}
