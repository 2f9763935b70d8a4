import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { enqueueNotification } from '../src/notify/queries.js'
import { seedAudience, seedPhones } from './seed.js'
import { startMockTwilioProcess, startService } from './processes.js'
const dir = mkdtempSync(join(tmpdir(), 'f-'))
const path = join(dir, 'db.sqlite')
const db = openDatabase(path); await migrateToLatest(db, path)
const N = Number(process.argv[2] ?? 20000)
await seedPhones(db, N); await seedAudience(db, 'X', N)
await enqueueNotification(db, 'X', 'hello', new Date()); await db.destroy()
const mock = await startMockTwilioProcess('bench/mock-twilio.mjs', join(dir, 'log'))
const extra = {}
const s = await startService('dist/src/server.js', { DATABASE_PATH: path, TWILIO_AUTH_TOKEN: 'x'.repeat(32), TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_PHONE_NUMBER: '+16175550100', TWILIO_API_URL: mock.url, SEND_RATE_PER_SECOND: '10000', SESSION_SECRET: 'y'.repeat(40), LOG_LEVEL: 'info', ...extra }, 3996, join(dir, 'log'))
for (;;) { const st = await mock.stats(); if (st.count >= N) { console.log('msg/s', ((st.count - 1) / ((st.last - st.first) / 1000)).toFixed(0)); break } await new Promise((r) => setTimeout(r, 100)) }
await s.stop(); await mock.stop()
