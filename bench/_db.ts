import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { claimDue, enqueueNotification, recordSent } from '../src/notify/queries.js'
import { seedAudience, seedPhones } from './seed.js'
const path = join(mkdtempSync(join(tmpdir(), 'q-')), 'db.sqlite')
const db = openDatabase(path); await migrateToLatest(db, path)
const N = 20000
await seedPhones(db, N); await seedAudience(db, 'X', N)
await enqueueNotification(db, 'X', 'hello', new Date())
let t = performance.now(); const rows = []
for (let i = 0; i < N / 10; i++) rows.push(...await claimDue(db, new Date(), 30000, 10))
console.log('claim µs/row', ((performance.now() - t) * 1000 / N).toFixed(1), rows.length)
t = performance.now()
for (const r of rows) await db.selectFrom('phones').select('opted_out_at').where('phone', '=', r.phone).executeTakeFirst()
console.log('optout µs/row', ((performance.now() - t) * 1000 / N).toFixed(1))
t = performance.now()
let i = 0
for (const r of rows) await recordSent(db, r.id, `SM${i++}`, new Date())
console.log('recordSent µs/row', ((performance.now() - t) * 1000 / N).toFixed(1))
