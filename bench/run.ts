// npm run bench: the webhook and the dispatcher measured against their ceilings and an Express reference, in one run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { enqueueNotification } from '../src/notify/queries.js'
import { ACCOUNT_SID, drive, type LoadResult, signedRequests, type Workload } from './load.js'
import { type MockTwilioProcess, type Service, startMockTwilioProcess, startService } from './processes.js'
import { seedAudience, seededPhone, seedPhones, seedSubscriptions, seedTopics, topicKey } from './seed.js'
import { printReport, type Results } from './report.js'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const SERVER = here('../dist/src/server.js')
const CEILING = here('./ceiling.mjs')
const REFERENCE = here('./reference-express.mjs')
const MOCK = here('./mock-twilio.mjs')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP_SECONDS = 3
const POOL = 150_000
const TOPICS = 1000
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef'

let newPhones = 0
const workloads: Record<'H' | 'SUB', Workload> = {
  H: { name: 'H', text: () => 'H', from: (i) => seededPhone(i % 100_000) },
  // Each SUB comes from a phone never seen before and writes a phone, a subscription and the message record.
  SUB: { name: 'SUB', text: (i) => `SUB ${topicKey(i % TOPICS)}`, from: () => `+1617${String(2_000_000 + newPhones++)}` },
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const step = (message: string) => process.stderr.write(`· ${message}\n`)

async function measure(service: Service, workload: Workload, seconds = SECONDS): Promise<LoadResult> {
  const pool = signedRequests(workload, seconds === WARMUP_SECONDS ? 50_000 : POOL, `${service.url}/sms`, AUTH_TOKEN)
  step(`${workload.name} for ${seconds} s`)
  return drive(service.url, pool, seconds)
}

async function freshDatabase(path: string, seed: (db: ReturnType<typeof openDatabase>) => Promise<void>): Promise<void> {
  const db = openDatabase(path)
  await migrateToLatest(db, path)
  await seed(db)
  await db.destroy()
}

async function waitForMessages(mock: MockTwilioProcess, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const stats = await mock.stats()
    if (stats.count >= count || Date.now() > deadline) return stats
    await delay(100)
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smsbot-bench-'))
  const port = await freePort()
  const log = join(dir, 'services.log')
  const smsbotEnv = (databasePath: string, extra: Record<string, string> = {}) => ({
    DATABASE_PATH: databasePath,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef-0123456789',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    ...extra,
  })
  const results: Results = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    date: new Date().toISOString(),
    seconds: SECONDS,
    connections: 10,
  } as Results
  try {
    step(`bare Fastify + @fastify/formbody on port ${port}`)
    const ceiling = await startService(CEILING, {}, port, log)
    await measure(ceiling, workloads.H, WARMUP_SECONDS)
    results.ceiling = { H: await measure(ceiling, workloads.H), SUB: await measure(ceiling, workloads.SUB) }
    await ceiling.stop()

    step('Express reference (express.urlencoded + twilio.webhook() + better-sqlite3) on an empty database file')
    const referencePath = join(dir, 'reference.sqlite')
    await freshDatabase(referencePath, (db) => seedTopics(db, TOPICS))
    const reference = await startService(REFERENCE, { DATABASE_PATH: referencePath, TWILIO_AUTH_TOKEN: AUTH_TOKEN }, port, log)
    await measure(reference, workloads.H, WARMUP_SECONDS)
    results.reference = { H: await measure(reference, workloads.H), SUB: await measure(reference, workloads.SUB) }
    await reference.stop()

    step('smsbot (built) on an empty database file')
    const emptyPath = join(dir, 'empty.sqlite')
    await freshDatabase(emptyPath, (db) => seedTopics(db, TOPICS))
    const empty = await startService(SERVER, smsbotEnv(emptyPath), port, log)
    const before = empty.rssMb()
    await measure(empty, workloads.H, WARMUP_SECONDS)
    results.empty = { H: await measure(empty, workloads.H), SUB: await measure(empty, workloads.SUB) }
    const afterFirst = empty.rssMb()
    results.repeat = { H: await measure(empty, workloads.H), SUB: await measure(empty, workloads.SUB) }
    await delay(1000)
    results.memory = { before, peak: empty.peakRssMb(), afterFirst, afterRepeat: empty.rssMb() }
    await empty.stop()

    step('seeding 1 000 000 subscriptions, 100 000 phones, 1 000 topics')
    const bigPath = join(dir, 'big.sqlite')
    const seedStart = performance.now()
    await freshDatabase(bigPath, async (db) => {
      await seedTopics(db, TOPICS)
      await seedPhones(db, 100_000)
      await seedSubscriptions(db, 100_000, 10, TOPICS)
    })
    results.seedSeconds = (performance.now() - seedStart) / 1000
    const big = await startService(SERVER, smsbotEnv(bigPath), port, log)
    await measure(big, workloads.H, WARMUP_SECONDS)
    results.big = { H: await measure(big, workloads.H), SUB: await measure(big, workloads.SUB) }
    results.bigPeakRss = big.peakRssMb()
    await big.stop()

    step('fan-out: enqueue one notification to 100 000 subscribers')
    const db = openDatabase(bigPath)
    await seedAudience(db, 'FANOUT', 100_000)
    const enqueueStart = performance.now()
    const fanout = await enqueueNotification(db, 'FANOUT', 'A seat opened in CS2500-01', new Date())
    results.enqueueMs = performance.now() - enqueueStart
    if (fanout.recipients !== 100_000) throw new Error(`expected 100000 recipients, got ${fanout.recipients}`)
    await db.destroy()

    const mock = await startMockTwilioProcess(MOCK, log)
    const twilioEnv = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_PHONE_NUMBER: '+16175550100', TWILIO_API_URL: mock.url }
    step('unthrottled dispatch of those 100 000 to a local mock Twilio')
    const concurrency = 10
    const sender = await startService(SERVER, smsbotEnv(bigPath, { ...twilioEnv, SEND_RATE_PER_SECOND: '10000', SEND_CONCURRENCY: String(concurrency) }), port, log)
    const unthrottled = await waitForMessages(mock, 100_000, 300_000)
    results.dispatch = { messages: unthrottled.count, concurrency, perSecond: (unthrottled.count - 1) / ((unthrottled.last - unthrottled.first) / 1000) }
    await sender.stop()

    step('throttled dispatch at SEND_RATE_PER_SECOND=50 for 20 s')
    const db2 = openDatabase(bigPath)
    await seedAudience(db2, 'THROTTLE', 1001)
    await enqueueNotification(db2, 'THROTTLE', 'A seat opened in CS2500-01', new Date())
    await db2.destroy()
    await mock.reset()
    const throttledService = await startService(SERVER, smsbotEnv(bigPath, { ...twilioEnv, SEND_RATE_PER_SECOND: '50' }), port, log)
    const throttled = await waitForMessages(mock, 1001, 60_000)
    await throttledService.stop()
    await mock.stop()
    const seconds = (throttled.last - throttled.first) / 1000
    results.throttled = { configured: 50, messages: throttled.count, seconds, perSecond: (throttled.count - 1) / seconds }

    printReport(results)
    const out = here('./results.json')
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
    step(`results written to ${out}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// `npm run bench -- --report` prints the last run's results.json again (after a change to the report).
if (process.argv.includes('--report')) {
  const results = JSON.parse(readFileSync(here('./results.json'), 'utf8')) as Results
  printReport(results)
} else {
  await main()
}
