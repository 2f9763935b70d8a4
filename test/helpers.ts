// Shared test set-up: a real SQLite file per test, a movable clock, a recording sender, signed webhooks.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { Writable } from 'node:stream'
import type { Logger } from 'pino'
import type { Test } from 'tap'
import twilio from 'twilio'
import { buildApp } from '../src/app.js'
import type { Clock } from '../src/clock.js'
import { createConfig, type ResolvedConfig } from '../src/config.js'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { migrateToLatest, openDatabase, type Db } from '../src/database.js'
import { loadCluster } from './postgres/cluster.js'
import { createLogger } from '../src/log.js'
import { messagesOf } from '../src/twilio/simulate.js'
import { SendError, type OutboundSms, type SentSms, type SmsSender } from '../src/sender/sender.js'
import { projectPath } from './root.js'

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef'
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef-0123456789'
export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef'

export type TapT = Test

export interface TestClock extends Clock {
  /** Moves time; sleeps that come due wait for the next `tick`. */
  advance(ms: number): void
  set(date: Date | string): void
  /** Moves time by `ms`, waking each sleep as its time comes, in order, and letting its work run before going on. */
  tick(ms: number): Promise<void>
  /** How many sleeps are waiting. */
  sleepers(): number
  /** Ticks `stepMs` at a time until `work` settles (at most `maxMs` of clock time), and returns its result. */
  runUntil<T>(work: Promise<T>, stepMs: number, maxMs?: number): Promise<T>
}

/** Lets work woken by a sleep run (its promise callbacks and the I/O they start, one event-loop turn at a time). */
const settle = async (turns = 5) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve))
}

export function testClock(start: string | Date = '2026-11-23T12:00:00.000Z'): TestClock {
  let now = new Date(start).getTime()
  let sleeping: Array<{ at: number; wake: () => void }> = []
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms
    },
    set: (date) => {
      now = new Date(date).getTime()
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted === true) return resolve()
        const onAbort = () => {
          sleeping = sleeping.filter((s) => s !== sleeper)
          resolve()
        }
        // Woken by the clock, the sleep lets go of its signal: a long-lived signal gathers no listeners.
        const sleeper = {
          at: now + ms,
          wake: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve()
          },
        }
        sleeping.push(sleeper)
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
    async tick(ms) {
      const target = now + ms
      for (;;) {
        await settle()
        const due = sleeping.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0]
        if (due === undefined) break
        sleeping = sleeping.filter((s) => s !== due)
        now = Math.max(now, due.at)
        due.wake()
      }
      now = target
      await settle()
    },
    sleepers: () => sleeping.length,
    async runUntil(work, stepMs, maxMs = 3_600_000) {
      let settled = false
      const watched = work.finally(() => (settled = true))
      for (let moved = 0; !settled; moved += stepMs) {
        if (moved > maxMs) throw new Error(`still not settled after ${maxMs} ms of clock time`)
        await this.tick(stepMs)
      }
      return watched
    },
  }
}

export interface RecordingSender extends SmsSender {
  sent: OutboundSms[]
  /** Makes the next sends fail with these errors, one each (a plain Error: what a broken client throws). */
  failNext(...errors: Error[]): void
}

export function recordingSender(): RecordingSender {
  const sent: OutboundSms[] = []
  const failures: Error[] = []
  let n = 0
  return {
    kind: 'test',
    sent,
    failNext: (...errors) => {
      failures.push(...errors)
    },
    async send(sms): Promise<SentSms> {
      const failure = failures.shift()
      if (failure !== undefined) throw failure
      sent.push(sms)
      n += 1
      return { sid: `SM${String(n).padStart(32, '0')}` }
    },
  }
}

/** A logger whose lines are kept, so tests can assert what is (and is not) logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const destination = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = createLogger('debug', destination)
  return { logger, lines }
}

export function testConfig(t: TapT, env: Record<string, string> = {}): ResolvedConfig {
  return createConfig({
    DATABASE_PATH: join(t.testdir(), 'smsbot.sqlite'),
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    SESSION_SECRET,
    // Codes and confirmations wait for a slot of the send budget on the app's clock (SPEC §14), and a test's clock
    // stands still: at 10 000 a second, a slot is a tenth of a millisecond and sends go at once. Tests of the budget set their own.
    SEND_RATE_PER_SECOND: '10000',
    ...env,
  }) as ResolvedConfig
}

export async function testDb(t: TapT, path = join(t.testdir(), 'smsbot.sqlite')): Promise<Db> {
  const db = openDatabase(path)
  await migrateToLatest(db, path)
  return db
}

export type DatabaseKind = 'sqlite' | 'postgres'
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres']

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const cluster = loadCluster()
  if (cluster === undefined)
    throw new Error('No PostgreSQL cluster for this run: tests start one in .taprc `before` (test/postgres/before.ts)')
  const client = new pg.Client({ connectionString: cluster.adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A new, empty PostgreSQL database in the run's cluster for this test, dropped when it ends; its URL. */
export async function testPostgresUrl(t: TapT): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin((client) => client.query(`create database ${name}`))
  t.teardown(() =>
    admin(async (client) => {
      // A pool's end() resolves before its clients' sockets close: a forced drop meanwhile would end a backend under an
      // idle client, whose "terminating connection" error reaches a pool with no listener. So the drop waits (a second
      // at most) for the test's own connections to go, and forces only what is left after that.
      for (let i = 0; i < 100; i++) {
        const left = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
        if (left.rows[0]?.n === 0) break
        await delay(10)
      }
      await client.query(`drop database if exists ${name} with (force)`)
    }),
  )
  const url = new URL(loadCluster()?.adminUrl as string)
  url.pathname = `/${name}`
  return url.href
}

/** A migrated database of either kind: a SQLite file in the test's folder, or a fresh PostgreSQL database. */
export async function testDbOf(t: TapT, kind: DatabaseKind): Promise<{ db: Db; location: string }> {
  const location = kind === 'postgres' ? await testPostgresUrl(t) : join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(location)
  await migrateToLatest(db, location)
  return { db, location }
}

export interface TestApp {
  app: FastifyInstance
  db: Db
  config: ResolvedConfig
  sender: SmsSender
  clock: TestClock
  lines: string[]
}

export async function buildTestApp(
  t: TapT,
  options: { env?: Record<string, string>; sender?: SmsSender; clock?: TestClock; database?: DatabaseKind } = {},
): Promise<TestApp> {
  const env = options.database === 'postgres' ? { DATABASE_PATH: '', DATABASE_URL: await testPostgresUrl(t), ...options.env } : options.env
  const config = testConfig(t, env)
  const db = openDatabase(config.databaseLocation)
  await migrateToLatest(db, config.databaseLocation)
  const clock = options.clock ?? testClock()
  const sender = options.sender ?? recordingSender()
  const { logger, lines } = memoryLogger()
  const app = await buildApp({ config, db, sender, logger, clock })
  t.teardown(() => app.close())
  return { app, db, config, sender, clock, lines }
}

export function fixture<T = Record<string, string>>(name: string): T {
  return JSON.parse(readFileSync(projectPath(`fixtures/${name}`), 'utf8')) as T
}

let sidCounter = 0
/** A realistic inbound payload (fixtures/inbound-sms.json) with this body, a fresh MessageSid and optional changes. */
export function inbound(body: string, changes: Record<string, string> = {}): Record<string, string> {
  sidCounter += 1
  const sid = `SM${String(sidCounter).padStart(32, 'a')}`
  return { ...fixture('inbound-sms.json'), MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, Body: body, ...changes }
}

/** Posts form parameters to a webhook, signed as Twilio would sign them for `signedUrl`. */
export async function postSigned(
  app: FastifyInstance,
  params: Record<string, string>,
  options: { path?: string; signedUrl?: string; headers?: Record<string, string>; token?: string } = {},
) {
  const path = options.path ?? '/sms'
  const signedUrl = options.signedUrl ?? `http://smsbot.test${path}`
  return app.inject({
    method: 'POST',
    url: path,
    headers: {
      host: 'smsbot.test',
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(options.token ?? AUTH_TOKEN, signedUrl, params),
      ...options.headers,
    },
    payload: new URLSearchParams(params).toString(),
  })
}

/** Sends an SMS to the app and returns the text of its reply ('' for empty TwiML). */
export async function text(app: FastifyInstance, body: string, changes: Record<string, string> = {}): Promise<string> {
  const response = await postSigned(app, inbound(body, changes))
  if (response.statusCode !== 200) throw new Error(`POST /sms answered ${response.statusCode}: ${response.body}`)
  return messagesOf(response.body)[0] ?? ''
}

export { SendError }
