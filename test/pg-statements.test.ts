// Named prepared statements on PostgreSQL: prepared once per connection, only data statements, at most `max` names.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { namedStatementPool } from '../src/pg-statements.js'
import { testPostgresUrl } from './helpers.js'

t.test('data statements are prepared once per connection and run by name; others and those past the cap go unnamed', async (t) => {
  const pool = new pg.Pool({ connectionString: await testPostgresUrl(t), max: 1 })
  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool, 2) }) })
  t.teardown(() => db.destroy())
  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows
  await sql`create table t (n integer)`.execute(db)
  for (const n of [1, 2, 3]) await sql`insert into t (n) values (${n})`.execute(db)
  const rows = (await sql<{ n: number }>`select n from t where n >= ${2} order by n`.execute(db)).rows
  t.same(rows, [{ n: 2 }, { n: 3 }], 'a named statement returns its rows')
  // The first two distinct data statements got names; the listing query is the third, and runs unnamed.
  t.same(
    (await prepared()).map((p) => p.statement),
    ['insert into t (n) values ($1)', 'select n from t where n >= $1 order by n'],
  )
  await db.transaction().execute(async (trx) => {
    await sql`insert into t (n) values (${4})`.execute(trx)
  })
  t.equal((await prepared()).length, 2, 'begin, commit and DDL are never named; a known statement is not prepared again')
  const { count } = (await sql<{ count: string }>`select count(*) as count from t`.execute(db)).rows[0] as { count: string }
  t.equal(Number(count), 4)
})
