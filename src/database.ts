// Opens the database through Kysely, serialises what must not interleave, and brings the schema to the code's version.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  sql,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SelectQueryBuilder,
  type Driver,
  type MigrationResultSet,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely'
import type PgModule from 'pg'
import { migrations } from '../db/migrations/index.js'
import type { Database } from './schema.js'
import { namedStatementPool } from './pg-statements.js'

export type Db = Kysely<Database>

export class DatabaseTooNewError extends Error {
  constructor(location: string, unknown: string[]) {
    const postgres = isPostgresUrl(location)
    super(
      `The database ${postgres ? redactUrl(location) : location} was migrated by a newer version of smsbot ` +
        `(unknown migrations: ${unknown.join(', ')}). ` +
        `Run the newer code, or point ${postgres ? 'DATABASE_URL' : 'DATABASE_PATH'} at another database.`,
    )
    this.name = 'DatabaseTooNewError'
  }
}

/**
 * The database holds phones and names: its folder, when created here, is 0700, and the file 0600 before SQLite opens
 * it, since SQLite gives its -wal and -shm files the main file's mode. Files left readable by others (an older
 * version made them 0644) are narrowed; an existing folder is left as it is (it may be the working directory).
 */
function prepareDatabaseFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const stat = statSync(file, { throwIfNoEntry: false })
    if (stat !== undefined && (stat.mode & 0o077) !== 0) chmodSync(file, 0o600)
  }
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/** A database URL fit for a log or an error: no password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}

export interface OpenOptions {
  /** PostgreSQL: the most connections the pool opens (DATABASE_POOL_MAX). */
  poolMax?: number
}

/**
 * Opens PostgreSQL for a postgres:// (or postgresql://) URL, else the SQLite file at that path. The only place that
 * knows the dialects; the rest of the code speaks Kysely, and `serialize` below.
 */
export function openDatabase(location: string, options: OpenOptions = {}): Db {
  if (isPostgresUrl(location)) {
    // Loaded here only: on SQLite, pg's 95 ms and 15 MB are not paid at start.
    const pg = createRequire(import.meta.url)('pg') as typeof PgModule
    const pool = new pg.Pool({ connectionString: location, max: options.poolMax ?? 10 })
    // An idle client that loses its server (a restart, a failover) reports here; the pool replaces it.
    pool.on('error', () => {})
    // A client in use loses its server between two of its queries (a restart, pg_terminate_backend): the pool has taken
    // its own listener off while it is lent, and an 'error' nobody listens to would end the process. Its next query
    // fails instead (the callers retry), and the pool drops it when it comes back.
    pool.on('connect', (client) => client.on('error', () => {}))
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }) })
  }
  return openSqlite(location)
}

/** WAL pages (4 KB each) that trigger a checkpoint: the WAL's bound, about 40 MB. */
export const WAL_CHECKPOINT_PAGES = 10_000

/** SQLite: pragmas belong to the dialect set-up, not to queries. */
function openSqlite(path: string): Db {
  if (path !== ':memory:' && path !== '') prepareDatabaseFiles(path)
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // A page cache of up to 32 MB (SQLite's default is 2 MB): on a large database each SUB touches index leaves all over
  // the subscriptions' topic index, and a 2 MB cache read most of them back from the file. Pages are cached as they
  // are read, so a small database uses no more memory than before.
  sqlite.pragma('cache_size = -32768')
  // A checkpoint runs in the commit that crosses this many WAL pages, and stalls every request for its copy and its
  // fsyncs. At SQLite's default of 1 000 pages (4 MB) that was one every second and a half under a SUB load; at
  // 10 000 (a WAL of up to 40 MB) it is ten times rarer, and the pages written again and again (the indexes' hot
  // leaves) are copied once per checkpoint instead of ten times: SUB about a fifth cheaper, p99 lower.
  sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) })
}

/**
 * Every SQLite transaction begins IMMEDIATE: it takes the write lock first, so a read-then-write inside it cannot be
 * overtaken by another connection or process (a deferred one would fail with SQLITE_BUSY when it came to write).
 * In-process, Kysely's driver already runs one transaction at a time on its single connection.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings)
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings)
  }
}

/** Runs `work` in the caller's transaction, or in one of its own. */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** Locks the selected rows for this transaction, skipping rows another transaction holds (PostgreSQL); SQLite has one writer. */
export function skipLocked<DB, TB extends keyof DB, O>(db: Db, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return isPostgres(db) ? query.forUpdate().skipLocked() : query
}

/**
 * Runs `work` in one transaction that is serialised with every other `serialize` call sharing one of `keys`
 * (e.g. `phone:+15551234567`, `ip:203.0.113.7`): the way a limit or a "once" is enforced, never by timing.
 * SQLite has one writer, and its transactions begin IMMEDIATE, so holding the write lock serialises everything;
 * the calls made in one turn of the event loop share one transaction, one after another (see CommitGroup).
 * PostgreSQL takes a transaction-scoped advisory lock per key, in sorted order so that two callers never deadlock.
 * `work` must only use the transaction it is given: no network, no timers (those come after it resolves).
 */
export async function serialize<T>(db: Db, keys: readonly string[], work: (trx: Db) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return commitGroupOf(db).run(work)
  return db.transaction().execute(async (trx) => {
    for (const key of [...new Set(keys)].sort()) await lockStatement(key).execute(trx)
    return work(trx)
  })
}

/** Characters of a lock key that are safe inline whatever the server's quoting settings (phones, addresses, prefixes). */
const PLAIN_KEY = /^[A-Za-z0-9:+./_-]+$/

/**
 * A plain key goes inline, as a literal: the first lock then travels with the BEGIN (pg-statements.ts). Any other key
 * (one the code does not make today) stays a parameter, so nothing a request carries is ever spliced into SQL text.
 */
function lockStatement(key: string) {
  return PLAIN_KEY.test(key)
    ? sql`select pg_advisory_xact_lock(hashtextextended(${sql.lit(key)}, 0))`
    : sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`
}

/** The most calls one SQLite transaction carries: a bound on the latency a group adds to its last call. */
const GROUP_LIMIT = 64

const SAVEPOINT = CompiledQuery.raw('savepoint serialized')
const RELEASE = CompiledQuery.raw('release serialized')
const ROLLBACK_TO = CompiledQuery.raw('rollback to serialized')

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

interface Queued {
  work: (trx: Db) => Promise<unknown>
  settle: (outcome: Outcome) => void
}

/**
 * Group commit on SQLite: the serialised calls queued in one turn of the event loop (simultaneous webhooks, say) run
 * one after another in one transaction, each inside a savepoint, so a call that fails is rolled back alone. Nobody
 * hears of success before the commit. One commit writes the pages the calls share once (a B-tree leaf, the WAL
 * header) instead of once per call, which is most of what a write costs here.
 */
class CommitGroup {
  private queue: Queued[] = []
  private scheduled = false

  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, settle: (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(asError(outcome.error))) })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => void this.commitNext())
      }
    })
  }

  private async commitNext(): Promise<void> {
    const group = this.queue.splice(0, GROUP_LIMIT)
    this.scheduled = this.queue.length > 0
    if (this.scheduled) setImmediate(() => void this.commitNext())
    let outcomes: Outcome[]
    try {
      outcomes = await this.db
        .transaction()
        .execute((trx) => (group.length === 1 ? runAlone(trx, group[0] as Queued) : runEach(trx, group)))
    } catch (error) {
      outcomes = group.map(() => ({ ok: false, error }))
    }
    group.forEach((queued, i) => queued.settle(outcomes[i] as Outcome))
  }
}

/** One call: its failure rolls back the whole (single-call) transaction. */
async function runAlone(trx: Db, queued: Queued): Promise<Outcome[]> {
  return [{ ok: true, value: await queued.work(trx) }]
}

async function runEach(trx: Db, group: Queued[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const queued of group) {
    await trx.executeQuery(SAVEPOINT)
    try {
      outcomes.push({ ok: true, value: await queued.work(trx) })
    } catch (error) {
      // An error that ended the whole transaction (a full disk, say) leaves no savepoint: the group fails with it.
      await trx.executeQuery(ROLLBACK_TO).catch(() => {
        throw error
      })
      outcomes.push({ ok: false, error })
    }
    await trx.executeQuery(RELEASE)
  }
  return outcomes
}

const commitGroups = new WeakMap<Db, CommitGroup>()

function commitGroupOf(db: Db): CommitGroup {
  let group = commitGroups.get(db)
  if (group === undefined) {
    group = new CommitGroup(db)
    commitGroups.set(db, group)
  }
  return group
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

// Migrations are typed Kysely<any>: frozen, they must not follow the schema types of later code (Kysely's advice).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

/** Applies pending migrations; refuses a database that holds migrations this code does not know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, path: string): Promise<MigrationResultSet> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (tables.some((t) => t.name === 'kysely_migration')) {
    const applied = await db.selectFrom('kysely_migration').select('name').execute()
    const unknown = applied.map((row: { name: string }) => row.name).filter((name) => !(name in migrations))
    if (unknown.length > 0) throw new DatabaseTooNewError(path, unknown)
  }
  const result = await createMigrator(db).migrateToLatest()
  if (result.error !== undefined) throw asError(result.error)
  return result
}

/** What was thrown, as an Error (a driver may throw anything; an Error passes through unchanged). */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}

/** A time or date column of a table, compared as an ISO string. */
type Column<T extends keyof Database> = Extract<keyof Database[T], string>

/**
 * Deletes at most `limit` rows of `table` whose `column` is before `bound` (`<`, or `<=` with `inclusive`), picked by
 * their `key`: one short statement that both dialects accept (neither has DELETE … LIMIT in common); how many went.
 * Each table's owner calls it for its own table (retention).
 */
export async function deleteBatch<T extends keyof Database>(
  db: Db,
  table: T,
  key: Column<T>,
  before: { column: Column<T>; bound: string; inclusive?: boolean },
  limit: number,
): Promise<number> {
  // The table and columns are checked by the caller's types above; the statement names them as identifiers.
  const result = await sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (select ${sql.ref(key)} from ${sql.table(table)}
    where ${sql.ref(before.column)} ${sql.raw(before.inclusive === true ? '<=' : '<')} ${before.bound} limit ${limit})`.execute(db)
  return Number(result.numAffectedRows ?? 0n)
}
