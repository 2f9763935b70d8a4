import { readFileSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { drive, signedRequests } from './load.js'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { seedTopics } from './seed.js'
import { startService } from './processes.js'
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10 }
const dir = mkdtempSync(join(tmpdir(), 'cpu-'))
const path = join(dir, 'db.sqlite')
const db = openDatabase(path); await migrateToLatest(db, path); await seedTopics(db, 1000); await db.destroy()
const which = process.argv[3] ?? 'H'
let n = 0
const script = process.argv[2] === 'bare' ? 'bench/ceiling.mjs' : 'dist/src/server.js'
const s = await startService(script, { DATABASE_PATH: path, TWILIO_AUTH_TOKEN: 'bench-auth-token-0123456789abcdef', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }, 3995, join(dir, 'log'))
const pool = signedRequests({ name: which, text: (i) => which === 'H' ? 'H' : `SUB BENCH-${String(i % 1000).padStart(4, '0')}`, from: (i) => which === 'H' ? `+1781${2000000 + (i % 1000)}` : `+1617${2000000 + n++}` }, 100000, `${s.url}/sms`, 'bench-auth-token-0123456789abcdef')
const c0 = cpu(s.pid); const self0 = process.cpuUsage()
const r = await drive(s.url, pool, 6)
const used = cpu(s.pid) - c0; const selfUsed = process.cpuUsage(self0)
console.log('requests', r.requests, process.argv[2], which, Math.round(r.requestsPerSecond), 'req/s; server CPU', (used / 6 / 10).toFixed(0), '%;', (used * 1000 / r.requests).toFixed(0), 'µs/req; client CPU', ((selfUsed.user + selfUsed.system) / 6e4).toFixed(0), '%')
await s.stop()
