// Named prepared statements on PostgreSQL: prepared once per connection, only data statements, at most `max` names.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { serialize, type Db } from '../src/database.js'
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

t.test('a BEGIN goes with serialize()’s first lock, in one round trip; otherwise on its own, or not at all', async (t) => {
  const pool = new pg.Pool({ connectionString: await testPostgresUrl(t), max: 1 })
  const sent: string[] = []
  // The pool's clients, their queries recorded as node-postgres receives them.
  const recorded = new WeakSet<object>()
  const recording = {
    connect: async () => {
      const client = await pool.connect()
      // The pool hands the same client out again: record its queries once.
      if (recorded.has(client)) return client
      recorded.add(client)
      const query = client.query.bind(client) as (...args: unknown[]) => unknown
      ;(client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
        sent.push(typeof config === 'string' ? config : (config as { text: string }).text)
        return query(config, ...rest)
      }
      return client
    },
    end: () => pool.end(),
  }
  const db = new Kysely<Record<string, never>>({
    dialect: new PostgresDialect({ pool: namedStatementPool(recording as unknown as pg.Pool) }),
  }) as unknown as Db
  t.teardown(() => db.destroy())
  await sql`create table t (n integer)`.execute(db)

  sent.length = 0
  const answer = await serialize(db, ['phone:+16175550000', 'ip:2001:db8:1:2::/64'], async (trx) => {
    await sql`insert into t (n) values (${1})`.execute(trx)
    return 'done'
  })
  t.equal(answer, 'done')
  t.same(sent, [
    "begin; select pg_advisory_xact_lock(hashtextextended('ip:2001:db8:1:2::/64', 0))",
    "select pg_advisory_xact_lock(hashtextextended('phone:+16175550000', 0))",
    'insert into t (n) values ($1)',
    'commit',
  ])

  sent.length = 0
  await serialize(db, ["key:o'brien\\"], async () => {})
  t.same(
    sent,
    ['begin', 'select pg_advisory_xact_lock(hashtextextended($1, 0))', 'commit'],
    'a key with other characters stays a parameter: nothing a request carries is spliced into SQL',
  )

  sent.length = 0
  await db.transaction().execute(async (trx) => sql`insert into t (n) values (${2})`.execute(trx))
  t.same(sent, ['begin', 'insert into t (n) values ($1)', 'commit'], 'a first statement with parameters: BEGIN on its own')

  sent.length = 0
  await db.transaction().execute(async () => {})
  t.same(sent, [], 'a transaction that runs nothing sends nothing')

  sent.length = 0
  await t.rejects(
    serialize(db, ['phone:+16175550000'], async (trx) => {
      await sql`insert into t (n) values (${3})`.execute(trx)
      throw new Error('changed my mind')
    }),
  )
  t.equal(sent.at(-1), 'rollback')
  const rows = (await sql<{ n: number }>`select n from t order by n`.execute(db)).rows
  t.same(rows, [{ n: 1 }, { n: 2 }], 'the rolled back insert is gone')
  const names = (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)).rows
  t.notOk(
    names.some((n) => n.statement.includes("hashtextextended('")),
    'a lock that holds its key is never prepared by name (the one with a parameter may be)',
  )
})
