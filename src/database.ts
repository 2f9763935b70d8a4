// Opens the SQLite database through Kysely and brings its schema to the code's version.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet, type SqliteDatabase } from 'kysely'
import { migrations } from '../db/migrations/index.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

export class DatabaseTooNewError extends Error {
  constructor(path: string, unknown: string[]) {
    super(
      `The database ${path} was migrated by a newer version of smsbot (unknown migrations: ${unknown.join(', ')}). ` +
        'Run the newer code, or point DATABASE_PATH at another file.',
    )
    this.name = 'DatabaseTooNewError'
  }
}

/** The only place that speaks SQLite: pragmas belong to the dialect set-up, not to queries. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}

/**
 * Kysely prepares every query afresh; preparing costs as much as running a small one. Kysely's SQL text is the
 * same for the same query shape, so statements are kept by text (the oldest dropped beyond `size`).
 */
export function withStatementCache(sqlite: SQLite.Database, size = 256): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  return {
    close: () => void sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = sqlite.prepare(sql)
        if (statements.size >= size) statements.delete(statements.keys().next().value as string)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

/** Applies pending migrations; refuses a database that holds migrations this code does not know. */
export async function migrateToLatest(db: Kysely<any>, path: string): Promise<MigrationResultSet> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (tables.some((t) => t.name === 'kysely_migration')) {
    const applied = await db.selectFrom('kysely_migration').select('name').execute()
    const unknown = applied.map((row: { name: string }) => row.name).filter((name) => !(name in migrations))
    if (unknown.length > 0) throw new DatabaseTooNewError(path, unknown)
  }
  const result = await createMigrator(db).migrateToLatest()
  if (result.error) throw result.error
  return result
}
