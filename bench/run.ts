// npm run bench: the webhook and the dispatcher measured against their ceilings and an Express reference, in one run;
// with DATABASE_URL, on PostgreSQL too (one instance, then three sharing the send rate).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isPostgresUrl, migrateToLatest, openDatabase, redactUrl } from '../src/database.js'
import { enqueueNotification } from '../src/notify/queries.js'
import { ACCOUNT_SID, type CpuPerRequest, drive, type LoadResult, signedRequests, type Workload } from './load.js'
import { cpuMs, type MockTwilioProcess, postgresCpuMs, type Service, startMockTwilioProcess, startService } from './processes.js'
import { seedAudience, seededPhone, seedPhones, seedSubscriptions, seedTopics, topicKey } from './seed.js'
import { type BenchDatabases, benchDatabases } from './postgres.js'
import { measureReplies } from './replies.js'
import { measureStartup } from './startup.js'
import { printReport, type PostgresResults, type Results } from './report.js'
import { freePort } from '../test/ports.js'

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
/** A PostgreSQL server (any database on it; the user may CREATE DATABASE) for the PostgreSQL part; without it, that part is skipped. */
const DATABASE_URL = process.env.DATABASE_URL
const FLEET_INSTANCES = 3
const FLEET_RATE = 50
const FLEET_MESSAGES = 1001
/** Replies first (SPEC §14): codes asked for while a notification to REPLY_AUDIENCE goes out at REPLY_RATE. */
const REPLY_AUDIENCE = 5000
const REPLY_RATE = 50
const REPLY_CODES = 20
const REPLY_SECONDS = 10
const secrets = {
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef-0123456789',
  ADMIN_TOKEN: 'bench-admin-token-0123456789',
  // Every service this bench starts gets these: dispatch is measured at any hour, never held for quiet hours.
  QUIET_HOURS: 'off',
}

let newPhones = 0
const workloads: Record<'H' | 'SUB', Workload> = {
  H: { name: 'H', text: () => 'H', from: (i) => seededPhone(i % 100_000) },
  // Each SUB comes from a phone never seen before and writes a phone, a subscription and the message record.
  SUB: { name: 'SUB', text: (i) => `SUB ${topicKey(i % TOPICS)}`, from: () => `+1617${String(2_000_000 + newPhones++)}` },
}

const step = (message: string) => process.stderr.write(`· ${message}\n`)

/**
 * Drives one workload at the service, and reads where the CPU time went meanwhile: the service's process, the bench's
 * own (autocannon), and with `postgres` the PostgreSQL server's processes when they run on this machine.
 */
async function measure(service: Service, workload: Workload, seconds = SECONDS, postgres = false): Promise<LoadResult> {
  const pool = signedRequests(workload, seconds === WARMUP_SECONDS ? 50_000 : POOL, `${service.url}/sms`, AUTH_TOKEN)
  step(`${workload.name} for ${seconds} s`)
  const before = { server: cpuMs(service.pid), load: process.cpuUsage(), postgres: postgres ? postgresCpuMs() : undefined }
  const result = await drive(service.url, pool, seconds)
  const server = cpuMs(service.pid)
  const load = process.cpuUsage(before.load)
  const backends = before.postgres === undefined ? undefined : postgresCpuMs()
  if (server === undefined || before.server === undefined || result.requests === 0) return result
  const perRequest = (ms: number) => (ms * 1000) / result.requests
  const cpu: CpuPerRequest = { server: perRequest(server - before.server), load: (load.user + load.system) / result.requests }
  if (backends !== undefined && before.postgres !== undefined && backends.processes > 0)
    cpu.postgres = perRequest(backends.ms - before.postgres.ms)
  return { ...result, cpu }
}

/** Migrates and seeds a SQLite file or (for a postgres:// URL) a PostgreSQL database, through Kysely. */
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
  const databases = DATABASE_URL === undefined ? undefined : await benchDatabases(DATABASE_URL)
  const dir = mkdtempSync(join(tmpdir(), 'smsbot-bench-'))
  const port = await freePort()
  const log = join(dir, 'services.log')
  const smsbotEnv = (databasePath: string, extra: Record<string, string> = {}) => ({ DATABASE_PATH: databasePath, ...secrets, ...extra })
  const results: Results = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    date: new Date().toISOString(),
    seconds: SECONDS,
    connections: 10,
  } as Results
  try {
    step('start-up on the default configuration: 5 starts to the first /healthz 200, idle RSS, smsbot text')
    results.startup = await measureStartup({ server: SERVER, bin: here('../bin/smsbot.js'), env: {} })
    results.ci = lastCiRun()

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
    const sender = await startService(
      SERVER,
      smsbotEnv(bigPath, { ...twilioEnv, SEND_RATE_PER_SECOND: '10000', SEND_CONCURRENCY: String(concurrency) }),
      port,
      log,
    )
    const unthrottled = await waitForMessages(mock, 100_000, 300_000)
    results.dispatch = {
      messages: unthrottled.count,
      concurrency,
      perSecond: (unthrottled.count - 1) / ((unthrottled.last - unthrottled.first) / 1000),
    }
    await sender.stop()

    step('webhooks while a fan-out runs: a second notification to 100 000, dispatched unthrottled, H and SUB meanwhile')
    const db3 = openDatabase(bigPath)
    await seedAudience(db3, 'FANOUT2', 100_000)
    await enqueueNotification(db3, 'FANOUT2', 'A seat opened in CS2500-02', new Date())
    await db3.destroy()
    await mock.reset()
    const busy = await startService(
      SERVER,
      smsbotEnv(bigPath, { ...twilioEnv, SEND_RATE_PER_SECOND: '10000', SEND_CONCURRENCY: String(concurrency) }),
      port,
      log,
    )
    await waitForMessages(mock, 2000, 60_000)
    await measure(busy, workloads.H, WARMUP_SECONDS)
    const sentBefore = (await mock.stats()).count
    const duringH = await measure(busy, workloads.H)
    const duringSUB = await measure(busy, workloads.SUB)
    const sentAfter = (await mock.stats()).count
    await busy.stop()
    results.duringFanout = { H: duringH, SUB: duringSUB, sent: sentAfter - sentBefore, seconds: 2 * SECONDS, ended: sentAfter >= 100_000 }

    step(
      `replies first: ${REPLY_CODES} codes over ${REPLY_SECONDS} s while a notification to ${REPLY_AUDIENCE} goes out at ${REPLY_RATE}/s`,
    )
    const repliesPath = join(dir, 'replies.sqlite')
    await freshDatabase(repliesPath, async (db) => {
      await seedPhones(db, REPLY_AUDIENCE)
      await seedAudience(db, 'REPLIES', REPLY_AUDIENCE)
      await enqueueNotification(db, 'REPLIES', 'A seat opened in CS2500-01', new Date())
    })
    await mock.reset()
    const replying = await startService(
      SERVER,
      smsbotEnv(repliesPath, { ...twilioEnv, SEND_RATE_PER_SECOND: String(REPLY_RATE), OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000' }),
      port,
      log,
    )
    const replies = await measureReplies([replying], mock, {
      configured: REPLY_RATE,
      recipients: REPLY_AUDIENCE,
      codes: REPLY_CODES,
      seconds: REPLY_SECONDS,
    })
    await replying.stop()
    results.replies = { ...replies, busiestSecond: (await mock.detail()).busiestSecond ?? Number.NaN }

    step('throttled dispatch at SEND_RATE_PER_SECOND=50 for 20 s')
    const db2 = openDatabase(bigPath)
    await seedAudience(db2, 'THROTTLE', 1001)
    await enqueueNotification(db2, 'THROTTLE', 'A seat opened in CS2500-01', new Date())
    await db2.destroy()
    await mock.reset()
    const throttledService = await startService(SERVER, smsbotEnv(bigPath, { ...twilioEnv, SEND_RATE_PER_SECOND: '50' }), port, log)
    await waitForMessages(mock, 1001, 60_000)
    const throttled = await mock.detail()
    await throttledService.stop()
    await mock.stop()
    const seconds = (throttled.last - throttled.first) / 1000
    results.throttled = {
      configured: 50,
      messages: throttled.count,
      seconds,
      perSecond: (throttled.count - 1) / seconds,
      busiestSecond: throttled.busiestSecond,
    }

    // Without DATABASE_URL the report says, in one line, that this part was skipped and how to run it.
    if (DATABASE_URL !== undefined && databases !== undefined) results.postgres = await postgresPart(DATABASE_URL, databases, port, log)

    printReport(results)
    const out = here('./results.json')
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
    step(`results written to ${out}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** What `bash .ci/run` recorded of its last whole run on this machine (.ci/last-run.json, not in git), if any. */
function lastCiRun(): Results['ci'] {
  try {
    return JSON.parse(readFileSync(here('../.ci/last-run.json'), 'utf8')) as Results['ci']
  } catch {
    return undefined
  }
}

/**
 * On fresh databases of the DATABASE_URL server: smsbot's H and SUB on a database seeded as the SQLite empty one, then
 * FLEET_INSTANCES servers sharing one database and one send rate, timed at one mock Twilio. Every database created
 * here is dropped at the end, whether the part succeeds, fails or is interrupted.
 */
async function postgresPart(adminUrl: string, databases: BenchDatabases, port: number, log: string): Promise<PostgresResults> {
  const started: Array<{ stop(): Promise<void> }> = []
  const cleanUp = async () => {
    await Promise.allSettled(started.map((service) => service.stop()))
    await databases.dropAll()
  }
  const interrupted = () => void cleanUp().then(() => process.exit(130))
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  try {
    step(`PostgreSQL ${databases.version} at ${redactUrl(adminUrl)}: smsbot (built) on an empty database`)
    const emptyUrl = await databases.create('empty')
    await freshDatabase(emptyUrl, (db) => seedTopics(db, TOPICS))
    const empty = await startService(SERVER, { DATABASE_URL: emptyUrl, ...secrets }, port, log)
    started.push(empty)
    await measure(empty, workloads.H, WARMUP_SECONDS)
    const H = await measure(empty, workloads.H, SECONDS, true)
    const SUB = await measure(empty, workloads.SUB, SECONDS, true)
    await empty.stop()

    step(`${FLEET_INSTANCES} smsbot instances on one PostgreSQL database, SEND_RATE_PER_SECOND=${FLEET_RATE}, ${FLEET_MESSAGES} messages`)
    const fleetUrl = await databases.create('fleet')
    const db = openDatabase(fleetUrl)
    try {
      await migrateToLatest(db, fleetUrl)
      await seedPhones(db, FLEET_MESSAGES)
      await seedAudience(db, 'FLEET', FLEET_MESSAGES)
      const mock = await startMockTwilioProcess(MOCK, log)
      started.push(mock)
      // Each instance sends from its own number, so the mock can tell how the work was shared.
      const senders = Array.from({ length: FLEET_INSTANCES }, (_, i) => `+1617555011${i}`)
      const ports = [] as number[]
      for (const _ of senders) ports.push(await freePort())
      const fleet = await Promise.all(
        senders.map((from, i) =>
          startService(
            SERVER,
            {
              DATABASE_URL: fleetUrl,
              ...secrets,
              TWILIO_ACCOUNT_SID: ACCOUNT_SID,
              TWILIO_PHONE_NUMBER: from,
              TWILIO_API_URL: mock.url,
              SEND_RATE_PER_SECOND: String(FLEET_RATE),
              OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000',
            },
            ports[i] as number,
            log,
          ),
        ),
      )
      started.push(...fleet)
      // Enqueued once all instances are up, so that all of them take part from the first message on.
      const published = await enqueueNotification(db, 'FLEET', 'A seat opened in CS2500-01', new Date())
      if (published.recipients !== FLEET_MESSAGES) throw new Error(`expected ${FLEET_MESSAGES} recipients, got ${published.recipients}`)
      // Replies first across instances: codes asked of each instance in turn while the fleet fans out.
      const replies = await measureReplies(fleet, mock, {
        configured: FLEET_RATE,
        recipients: FLEET_MESSAGES,
        codes: REPLY_CODES,
        seconds: REPLY_SECONDS,
      })
      await waitForMessages(mock, FLEET_MESSAGES + REPLY_CODES, 120_000)
      await delay(2000) // anything sent twice, or late, arrives in this time too
      const stats = await mock.detail()
      await Promise.all(fleet.map((service) => service.stop()))
      await mock.stop()
      const outbox = await db
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('sid').distinct().as('sids')])
        .where('status', 'in', ['sent', 'delivered'])
        .executeTakeFirstOrThrow()
      const seconds = (stats.last - stats.first) / 1000
      return {
        server: databases.version,
        H,
        SUB,
        fleet: {
          instances: FLEET_INSTANCES,
          configured: FLEET_RATE,
          expected: FLEET_MESSAGES,
          messages: stats.count,
          distinct: stats.distinct,
          duplicates: stats.duplicates,
          seconds,
          perSecond: (stats.count - 1) / seconds,
          busiestSecond: stats.busiestSecond ?? Number.NaN,
          perInstance: senders.map((from) => stats.bySender[from] ?? 0),
          outboxSent: Number(outbox.rows),
          outboxSids: Number(outbox.sids),
          replies: { ...replies, busiestSecond: stats.busiestSecond ?? Number.NaN },
        },
      }
    } finally {
      await db.destroy()
    }
  } finally {
    await cleanUp()
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
  }
}

// `npm run bench -- --report` prints the last run's results.json again (after a change to the report).
if (process.argv.includes('--report')) {
  const results = JSON.parse(readFileSync(here('./results.json'), 'utf8')) as Results
  printReport(results)
} else {
  if (DATABASE_URL !== undefined && !isPostgresUrl(DATABASE_URL)) {
    throw new Error(
      'DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/postgres, a user that may CREATE DATABASE); ' +
        'unset it to run the SQLite part alone',
    )
  }
  await main()
}
