// The database: migrations applied, re-applied, reverted and refused when newer; the statement cache.
import { chmodSync, existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { sql } from 'kysely'
import SQLite from 'better-sqlite3'
import {
  createMigrator,
  DatabaseTooNewError,
  migrateToLatest,
  openDatabase,
  redactUrl,
  WAL_CHECKPOINT_PAGES,
  withStatementCache,
  type Db,
} from '../src/database.js'
import { testDbOf, testPostgresUrl } from './helpers.js'
import { migrations } from '../db/migrations/index.js'

t.test('an empty database is created with its folder and migrated; a second run changes nothing', async (t) => {
  const path = join(t.testdir(), 'a', 'b', 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  t.ok(existsSync(join(path, '..')), 'folder created')
  const first = await migrateToLatest(db, path)
  t.same(
    first.results?.map((r) => [r.migrationName, r.status]),
    Object.keys(migrations).map((name) => [name, 'Success']),
  )
  const second = await migrateToLatest(db, path)
  t.same(second.results, [], 'nothing left to apply')
  const tables = (await db.introspection.getTables()).map((table) => table.name).sort()
  t.same(tables, [
    'consent_records',
    'conversations',
    'events',
    'inbound_messages',
    'keywords',
    'notifications',
    'oidc_logins',
    'operator_actions',
    'otp_codes',
    'otp_events',
    'outbox',
    'phones',
    'profiles',
    'send_schedule',
    'sessions',
    'signin_links',
    'subscriptions',
    'topics',
  ])
})

t.test('a new database is private: folder 0700, the file and its -wal and -shm 0600', async (t) => {
  const folder = join(t.testdir(), 'data')
  const path = join(folder, 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  await db
    .insertInto('phones')
    .values({ phone: '+16175550123', first_seen_at: 'x', opted_out_at: null, profile_id: null, verified_at: null })
    .execute()
  const mode = (file: string) => statSync(file).mode & 0o777
  t.equal(mode(folder), 0o700, 'folder')
  for (const file of [path, `${path}-wal`, `${path}-shm`]) t.equal(mode(file), 0o600, file.slice(folder.length + 1))
})

t.test('database files an older version left readable by others are narrowed; an existing folder is left alone', async (t) => {
  const folder = t.testdir()
  chmodSync(folder, 0o755)
  const path = join(folder, 'smsbot.sqlite')
  // An older version's database, still open (so its -wal and -shm exist), with the modes it gave them.
  const older = openDatabase(path)
  t.teardown(() => older.destroy())
  await migrateToLatest(older, path)
  for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644)
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await db.selectFrom('phones').selectAll().execute()
  for (const file of [path, `${path}-wal`, `${path}-shm`]) t.equal(statSync(file).mode & 0o777, 0o600, file.slice(folder.length + 1))
  t.equal(statSync(folder).mode & 0o777, 0o755, 'the folder is not changed')
})

t.test('pragmas: WAL, its checkpoint interval and foreign keys are on', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)
  t.equal(mode.rows[0]?.journal_mode, 'wal')
  const checkpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
  t.equal(checkpoint.rows[0]?.wal_autocheckpoint, WAL_CHECKPOINT_PAGES, 'a checkpoint every 10 000 WAL pages')
  await t.rejects(
    db.insertInto('subscriptions').values({ phone: '+16175550123', topic_key: 'NOPE', created_at: 'x' }).execute(),
    /FOREIGN KEY/,
  )
})

t.test('every migration goes down and up again', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  const migrator = createMigrator(db)
  for (let i = 0; i < Object.keys(migrations).length; i++) {
    const down = await migrator.migrateDown()
    t.equal(down.error, undefined)
  }
  t.same(
    (await db.introspection.getTables()).map((table) => table.name),
    [],
    'all tables dropped',
  )
  const up = await migrateToLatest(db, path)
  t.equal(up.results?.length, Object.keys(migrations).length)
})

t.test('a database migrated by newer code refuses to start', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  await db
    .insertInto('kysely_migration' as never)
    .values({ name: '2099-01-01-01-future', timestamp: new Date().toISOString() })
    .execute()
  const error = await t.rejects(migrateToLatest(db, path), DatabaseTooNewError)
  t.match((error as unknown as Error).message, /newer version of smsbot \(unknown migrations: 2099-01-01-01-future\)/)
})

t.test('the statement cache reuses a statement per SQL text and drops the oldest beyond its size', async (t) => {
  const sqlite = new SQLite(':memory:')
  t.teardown(() => sqlite.open && sqlite.close())
  const cached = withStatementCache(sqlite, 2)
  const one = cached.prepare('select 1 as n')
  t.equal(cached.prepare('select 1 as n'), one, 'same text, same statement')
  const two = cached.prepare('select 2 as n')
  cached.prepare('select 3 as n')
  t.equal(cached.prepare('select 2 as n'), two, 'still cached')
  t.not(cached.prepare('select 1 as n'), one, 'the oldest was dropped and prepared again')
  t.same((cached.prepare('select 1 as n') as unknown as SQLite.Statement).all(), [{ n: 1 }])
  cached.close()
  t.notOk(sqlite.open, 'close closes the database')
})

/** Tables, columns (name, kind of type, nullable, auto-numbered) and named indexes, in one comparable shape. */
async function schemaOf(db: Db, postgres: boolean) {
  const kind = (type: string) =>
    /int/i.test(type) ? 'integer' : /text|char/i.test(type) ? 'text' : /double|float|real/i.test(type) ? 'real' : type
  // SQLite lets a PRIMARY KEY that is not an integer hold NULL (a historical quirk); smsbot never writes one.
  const keyColumns = async (table: string) =>
    postgres
      ? new Set<string>()
      : new Set(
          (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table})`.execute(db)).rows
            .filter((r) => r.pk > 0)
            .map((r) => r.name),
        )
  const tables = await Promise.all(
    (await db.introspection.getTables()).map(async (table) => {
      const keys = await keyColumns(table.name)
      return {
        name: table.name,
        columns: table.columns
          .map((c) => ({ name: c.name, type: kind(c.dataType), nullable: c.isNullable && !keys.has(c.name), autoId: c.isAutoIncrementing }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      }
    }),
  )
  tables.sort((a, b) => a.name.localeCompare(b.name))
  const indexes = postgres
    ? await sql<{
        name: string
        table: string
      }>`select indexname as name, tablename as "table" from pg_indexes
         where schemaname = 'public' and indexname not in (select conname from pg_constraint) and tablename not like 'kysely_%'`.execute(db)
    : await sql<{
        name: string
        table: string
      }>`select name, tbl_name as "table" from sqlite_master where type = 'index' and name not like 'sqlite_autoindex_%'`.execute(db)
  return { tables, indexes: indexes.rows.map((r) => `${r.table}.${r.name}`).sort() }
}

t.test('the same migrations build an equivalent schema on SQLite and PostgreSQL', async (t) => {
  const sqlite = await testDbOf(t, 'sqlite')
  const postgres = await testDbOf(t, 'postgres')
  t.teardown(() => Promise.all([sqlite.db.destroy(), postgres.db.destroy()]))
  const [a, b] = await Promise.all([schemaOf(sqlite.db, false), schemaOf(postgres.db, true)])
  t.ok(a.tables.length >= 11 && a.indexes.length >= 10, `${a.tables.length} tables, ${a.indexes.length} indexes`)
  t.same(b.tables, a.tables, 'tables and columns')
  t.same(b.indexes, a.indexes, 'indexes')
  t.same(
    a.tables.find((table) => table.name === 'outbox')?.columns.find((c) => c.name === 'id'),
    { name: 'id', type: 'integer', nullable: false, autoId: true },
  )
})

t.test('PostgreSQL: several instances starting at once migrate once; a newer database is refused', async (t) => {
  const url = await testPostgresUrl(t)
  const instances = Array.from({ length: 4 }, () => openDatabase(url, { poolMax: 2 }))
  t.teardown(() => Promise.all(instances.map((db) => db.destroy())))
  const results = await Promise.all(instances.map((db) => migrateToLatest(db, url)))
  const applied = results
    .flatMap((r) => r.results ?? [])
    .filter((r) => r.status === 'Success')
    .map((r) => r.migrationName)
  t.same(applied.sort(), Object.keys(migrations).sort(), 'each migration applied by exactly one of them')
  const [first] = instances as [Db]
  const rows = await first
    .selectFrom('kysely_migration' as never)
    .select('name' as never)
    .execute()
  t.equal(rows.length, Object.keys(migrations).length)
  await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(first)
  const refused = await migrateToLatest(first, url).then(
    () => undefined,
    (err: unknown) => err,
  )
  t.ok(refused instanceof DatabaseTooNewError)
  t.match((refused as Error).message, /unknown migrations: 2099-01-01-from-the-future.*DATABASE_URL/)
  t.equal(redactUrl('postgres://smsbot:hunter2@db:5432/x'), 'postgres://smsbot:***@db:5432/x', 'a password never reaches an error')
})

t.test('postgres: a connection ended by the server while lent out fails its next query and does not end the process', async (t) => {
  const url = await testPostgresUrl(t)
  const db = openDatabase(url)
  t.teardown(() => db.destroy())
  const failure = await db
    .transaction()
    .execute(async (trx) => {
      const { pid } = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0] as { pid: number }
      // Ended from outside while this transaction waits between two queries, as a server restart would.
      const admin = openDatabase(url)
      await sql`select pg_terminate_backend(${pid})`.execute(admin)
      await admin.destroy()
      await new Promise((resolve) => setTimeout(resolve, 100))
      await sql`select 1`.execute(trx)
    })
    .then(
      () => undefined,
      (err: unknown) => err,
    )
  t.ok(failure instanceof Error, 'the transaction fails with the lost connection')
  const again = await sql<{ one: number }>`select 1 as one`.execute(db)
  t.same(again.rows, [{ one: 1 }], 'the pool dropped that client and the next query gets a new one')
})
