import { spawn } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { drive, signedRequests } from './load.js'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { seedTopics } from './seed.js'
const dir = mkdtempSync(join(tmpdir(), 'prof-'))
const path = join(dir, 'db.sqlite')
const db = openDatabase(path); await migrateToLatest(db, path); await seedTopics(db, 1000); await db.destroy()
const which = process.argv[2] ?? 'H'
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '/work/main/dist/src/server.js'], { env: { PATH: process.env.PATH!, PORT: '3997', DATABASE_PATH: path, TWILIO_AUTH_TOKEN: 'bench-auth-token-0123456789abcdef', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }, stdio: ['ignore', 'ignore', 'inherit'] })
for (;;) { try { if ((await fetch('http://127.0.0.1:3997/healthz')).ok) break } catch {} ; await delay(50) }
let n = 0
const pool = signedRequests({ name: which, text: (i) => which === 'H' ? 'H' : `SUB BENCH-${String(i % 1000).padStart(4, '0')}`, from: (i) => which === 'H' ? `+1781${2000000 + (i % 1000)}` : `+1617${2000000 + n++}` }, 100000, 'http://127.0.0.1:3997/sms', 'bench-auth-token-0123456789abcdef')
const r = await drive('http://127.0.0.1:3997', pool, 6)
console.log(which, Math.round(r.requestsPerSecond), r.p50, r.p99, r.non2xx, r.errors)
child.kill('SIGTERM')
await new Promise((res) => child.on('exit', res))
