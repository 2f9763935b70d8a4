// Column shapes whose SQL differs by dialect, so that one migration builds an equivalent schema on SQLite and PostgreSQL.
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely'

/**
 * An auto-numbered integer primary key: `integer primary key autoincrement` on SQLite, an identity column on
 * PostgreSQL. (Added when PostgreSQL arrived: the SQLite branch is what these frozen migrations always built.)
 */
export function autoId(db: Kysely<any>): [string, 'integer', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  return ['id', 'integer', (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())]
}
