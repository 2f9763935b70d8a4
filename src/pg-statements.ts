// PostgreSQL: every statement smsbot runs often is prepared once per connection and then run by name (parsed and planned once).
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import type { Pool, PoolClient } from 'pg'

/** Only data statements are named: transaction control and DDL (migrations) go unnamed, as before. */
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i

/**
 * A pool whose clients run each data statement as a named prepared statement: node-postgres then sends Parse once per
 * connection and only Bind/Execute after, so the server neither parses nor plans it again. A statement's text holds
 * no values (Kysely passes them as parameters), so the texts are the code's own: at most `max` distinct ones are
 * named (the first ones met, which are the hot ones), any beyond run unnamed, so nothing grows without bound.
 */
export function namedStatementPool(pool: Pool, max = 500): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text)
    if (known !== undefined || names.size >= max || !NAMEABLE.test(text)) return known
    const name = `smsbot_${names.size}`
    names.set(text, name)
    return name
  }
  const wrap = (client: PoolClient): PostgresPoolClient => ({
    // Kysely passes a cursor only to a dialect given one (streaming); smsbot's is not, so every call is text and values.
    query: ((text: string, values: readonly unknown[]) => {
      const name = nameOf(text)
      return client.query(name === undefined ? { text, values: values as unknown[] } : { name, text, values: values as unknown[] })
    }) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  })
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  }
}
