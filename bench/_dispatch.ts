import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { pino } from 'pino'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { createDispatcher } from '../src/notify/dispatcher.js'
import { enqueueNotification } from '../src/notify/queries.js'
import { systemClock } from '../src/clock.js'
import { seedAudience, seedPhones } from './seed.js'
const path = join(mkdtempSync(join(tmpdir(), 'd-')), 'db.sqlite')
const db = openDatabase(path); await migrateToLatest(db, path)
const N = Number(process.argv[2] ?? 5000)
await seedPhones(db, N); await seedAudience(db, 'X', N)
await enqueueNotification(db, 'X', 'hello', new Date())
let sent = 0; let sids = 0; let done: () => void; const finished = new Promise<void>((r) => (done = r))
const sender = { kind: 'twilio' as const, async send() { sent++; if (sent === N) done(); await new Promise((r) => setImmediate(r)); return { sid: `SM${++sids}` } } }
const d = createDispatcher({ db, sender, clock: systemClock, logger: pino({ level: 'warn' }), ratePerSecond: Number(process.argv[3] ?? 10000), concurrency: 10, leaseMs: 30000, maxAttempts: 5 })
const t = performance.now(); d.start(); await finished; const s = (performance.now() - t) / 1000
console.log('msg/s', (N / s).toFixed(0)); await d.stop(); await db.destroy()
