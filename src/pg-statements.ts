// PostgreSQL round trips: statements prepared once per connection and run by name, and BEGIN sent with the first lock.
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import type { Pool, PoolClient, QueryResult } from 'pg'

/** Only data statements are named: transaction control and DDL (migrations) go unnamed, as before. */
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i
/** serialize()'s lock, written with its key inline (database.ts): it may travel with the BEGIN before it. */
const LOCK = /^select pg_advisory_xact_lock\(hashtextextended\('(?:[^']|'')*', 0\)\)$/
/** What an empty statement answers: a deferred BEGIN, or the end of a transaction that never began. */
const NOTHING = { command: 'SELECT', rowCount: 0, rows: [] } as unknown as QueryResult

/**
 * A pool whose clients run each data statement as a named prepared statement: node-postgres then sends Parse once per
 * connection and only Bind/Execute after, so the server neither parses nor plans it again. A statement's text holds
 * no values (Kysely passes them as parameters), so the texts are the code's own: at most `max` distinct ones are
 * named (the first ones met, which are the hot ones), any beyond run unnamed, so nothing grows without bound. The
 * one statement that holds a value, serialize()'s lock, is never named.
 */
export function namedStatementPool(pool: Pool, max = 500): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text)
    // A lock's text holds its key: never named (there is one per phone).
    if (known !== undefined || names.size >= max || !NAMEABLE.test(text) || LOCK.test(text)) return known
    const name = `smsbot_${names.size}`
    names.set(text, name)
    return name
  }
  const wrap = (client: PoolClient): PostgresPoolClient => {
    const run = (text: string, values: readonly unknown[]) => {
      const name = nameOf(text)
      return client.query(name === undefined ? { text, values: values as unknown[] } : { name, text, values: values as unknown[] })
    }
    /**
     * A BEGIN waits for the transaction's first statement. When that is serialize()'s lock, both go as one simple
     * query (one round trip instead of two; a parameterless statement may share a simple query); otherwise the BEGIN
     * goes first, as it would have.
     */
    let beginning = false
    return {
      // Kysely passes a cursor only to a dialect given one (streaming); smsbot's is not, so every call is text and values.
      query: (async (text: string, values: readonly unknown[]) => {
        if (text === 'begin') {
          beginning = true
          return NOTHING
        }
        if (beginning) {
          beginning = false
          if (text === 'commit' || text === 'rollback') return NOTHING
          if (values.length === 0 && LOCK.test(text)) return ((await client.query(`begin; ${text}`)) as unknown as QueryResult[])[1]
          await client.query('begin')
        }
        return run(text, values)
      }) as unknown as PostgresPoolClient['query'],
      release: () => {
        beginning = false
        client.release()
      },
    }
  }
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  }
}
