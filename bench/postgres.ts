// The benchmark's PostgreSQL databases: created fresh on the DATABASE_URL server for one run, and dropped after it.
import pg from 'pg'
import { redactUrl } from '../src/database.js'

export interface BenchDatabases {
  /** The server's version (SHOW server_version). */
  version: string
  /** Creates `<prefix>_<suffix>` on the server and returns its URL (the DATABASE_URL with that database). */
  create(suffix: string): Promise<string>
  /** Drops every database created here, ending their connections first; never throws, reports what it could not drop. */
  dropAll(): Promise<void>
}

async function onAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * Databases are created through `adminUrl` (any database on the server; its user must be allowed to CREATE DATABASE)
 * and named `smsbot_bench_<timestamp>_<suffix>`, so that a failed run's leftovers are recognisable.
 */
export async function benchDatabases(adminUrl: string): Promise<BenchDatabases> {
  const prefix = `smsbot_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`
  const created: string[] = []
  // Checked before the run starts, so that a wrong URL or a user without CREATEDB fails at once, not after the SQLite part.
  const { version, mayCreate } = await onAdmin(adminUrl, async (client) => {
    const server = await client.query<{ server_version: string }>('show server_version')
    const role = await client.query<{ may: boolean }>('select rolcreatedb or rolsuper as may from pg_roles where rolname = current_user')
    return { version: server.rows[0]?.server_version.split(' ')[0] ?? 'unknown', mayCreate: role.rows[0]?.may === true }
  })
  if (!mayCreate)
    throw new Error(`the user of DATABASE_URL (${redactUrl(adminUrl)}) may not CREATE DATABASE; the bench needs a user with CREATEDB`)
  return {
    version,
    async create(suffix) {
      const name = `${prefix}_${suffix}`
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a plain database name: ${name}`)
      await onAdmin(adminUrl, (client) => client.query(`create database ${name}`))
      created.push(name)
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return url.href
    },
    async dropAll() {
      while (created.length > 0) {
        const name = created.pop() as string
        try {
          // WITH (FORCE) (PostgreSQL 13+) ends the connections a stopped or crashed instance may have left.
          await onAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`))
          process.stderr.write(`· dropped database ${name}\n`)
        } catch (err) {
          process.stderr.write(`· could not drop database ${name} on ${redactUrl(adminUrl)}: ${(err as Error).message}\n`)
        }
      }
    },
  }
}
