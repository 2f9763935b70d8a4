// A phone's own settings: its quiet hours (null: the deployment's QUIET_HOURS; 'off'; or a window such as '22-7') and time zone.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phones').addColumn('quiet_hours', 'text').execute()
  // An IANA name the texter chose; null: the zones of the number itself.
  await db.schema.alterTable('phones').addColumn('time_zone', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phones').dropColumn('time_zone').execute()
  await db.schema.alterTable('phones').dropColumn('quiet_hours').execute()
}
