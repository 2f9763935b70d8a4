import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { pino } from 'pino'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { createDispatcher } from '../src/notify/dispatcher.js'
import { enqueueNotification } from '../src/notify/queries.js'
import { systemClock } from '../src/clock.js'
import { seedAudience, seedPhones } from './seed.js'
const path = join(mkdtempSync(join(tmpdir(), 'd-')), 'db.sqlite')
const db0 = openDatabase(path); await migrateToLatest(db0, path)
const N = Number(process.argv[2] ?? 5000)
await seedPhones(db0, N); await seedAudience(db0, 'X', N)
await enqueueNotification(db0, 'X', 'hello', new Date()); await db0.destroy()
const sqlite = new SQLite(path); sqlite.pragma('journal_mode = WAL'); sqlite.pragma('synchronous = NORMAL')
const times = new Map<string, [number, number]>()
const cache = new Map<string, any>()
const timed = { close: () => sqlite.close(), prepare(sql: string) {
  let st = cache.get(sql); if (!st) { const real = sqlite.prepare(sql); const wrap = (fn: string) => (...a: any[]) => { const t = performance.now(); try { return (real as any)[fn](...a) } finally { const e = times.get(sql) ?? [0, 0]; e[0] += performance.now() - t; e[1]++; times.set(sql, e) } }
    st = { reader: real.reader, all: wrap('all'), run: wrap('run'), iterate: wrap('iterate') }; cache.set(sql, st) } return st } }
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: timed as any }) })
let sent = 0; let sids = 0; let done: () => void; const finished = new Promise<void>((r) => (done = r))
const sender = { kind: 'twilio' as const, async send() { sent++; if (sent === N) done(); await new Promise((r) => setImmediate(r)); return { sid: `SM${++sids}` } } }
const d = createDispatcher({ db, sender, clock: systemClock, logger: pino({ level: 'warn' }), ratePerSecond: 10000, concurrency: 10, leaseMs: 30000, maxAttempts: 5 })
const t = performance.now(); d.start(); await finished; const s = (performance.now() - t) / 1000
console.log('msg/s', (N / s).toFixed(0)); await d.stop()
for (const [sql, [ms, n]] of [...times].sort((a, b) => b[1][0] - a[1][0])) console.log(ms.toFixed(0).padStart(6), 'ms', String(n).padStart(6), (ms * 1000 / n).toFixed(1).padStart(7), 'µs', sql.slice(0, 110))
