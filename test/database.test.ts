// The database: migrations applied, re-applied, reverted and refused when newer; the statement cache.
import { chmodSync, existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { sql } from 'kysely'
import SQLite from 'better-sqlite3'
import { createMigrator, DatabaseTooNewError, migrateToLatest, openDatabase, withStatementCache } from '../src/database.js'
import { migrations } from '../db/migrations/index.js'

t.test('an empty database is created with its folder and migrated; a second run changes nothing', async (t) => {
  const path = join(t.testdir(), 'a', 'b', 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  t.ok(existsSync(join(path, '..')), 'folder created')
  const first = await migrateToLatest(db, path)
  t.same(first.results?.map((r) => [r.migrationName, r.status]), Object.keys(migrations).map((name) => [name, 'Success']))
  const second = await migrateToLatest(db, path)
  t.same(second.results, [], 'nothing left to apply')
  const tables = (await db.introspection.getTables()).map((table) => table.name).sort()
  t.same(tables, ['inbound_messages', 'notifications', 'otp_codes', 'otp_events', 'outbox', 'phones', 'profiles', 'sessions', 'subscriptions', 'topics'])
})

t.test('a new database is private: folder 0700, the file and its -wal and -shm 0600', async (t) => {
  const folder = join(t.testdir(), 'data')
  const path = join(folder, 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  await db.insertInto('phones').values({ phone: '+16175550123', first_seen_at: 'x', opted_out_at: null, profile_id: null, verified_at: null }).execute()
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

t.test('pragmas: WAL and foreign keys are on', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)
  t.equal(mode.rows[0]?.journal_mode, 'wal')
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
  t.same((await db.introspection.getTables()).map((table) => table.name), [], 'all tables dropped')
  const up = await migrateToLatest(db, path)
  t.equal(up.results?.length, Object.keys(migrations).length)
})

t.test('a database migrated by newer code refuses to start', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  t.teardown(() => db.destroy())
  await migrateToLatest(db, path)
  await db.insertInto('kysely_migration' as never).values({ name: '2099-01-01-01-future', timestamp: new Date().toISOString() } as never).execute()
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
