// An app with its dispatchers running on a test clock, told to deliver events to a local receiver; and the events table read back.
import type { FastifyInstance } from 'fastify'
import { setTimeout as delay } from 'node:timers/promises'
import { buildApp } from '../../src/app.js'
import { migrateToLatest, openDatabase, type Db } from '../../src/database.js'
import type { EventRow } from '../../src/schema.js'
import {
  memoryLogger,
  recordingSender,
  testClock,
  testConfig,
  testPostgresUrl,
  type DatabaseKind,
  type TapT,
  type TestClock,
} from '../helpers.js'
import { EVENTS_SECRET } from './receiver.js'

export const ADMIN = 'admin-token-0123456789abcdef'
export const auth = { authorization: `Bearer ${ADMIN}` }

export interface EventsApp {
  app: FastifyInstance
  db: Db
  clock: TestClock
  lines: string[]
}

/** buildApp as the server builds it (dispatch on), with EVENTS_URL aimed at `eventsUrl` and the operator API on. */
export async function eventsApp(
  t: TapT,
  options: { eventsUrl: string; database: DatabaseKind; clock?: TestClock; env?: Record<string, string>; databaseUrl?: string },
): Promise<EventsApp> {
  const database: Record<string, string> =
    options.database === 'postgres' ? { DATABASE_PATH: '', DATABASE_URL: options.databaseUrl ?? (await testPostgresUrl(t)) } : {}
  const config = testConfig(t, {
    ...database,
    EVENTS_URL: options.eventsUrl,
    EVENTS_SECRET,
    ADMIN_TOKEN: ADMIN,
    QUIET_HOURS: 'off',
    ...options.env,
  })
  const db = openDatabase(config.databaseLocation)
  await migrateToLatest(db, config.databaseLocation)
  const clock = options.clock ?? testClock()
  const { logger, lines } = memoryLogger()
  const app = await buildApp({ config, db, sender: recordingSender(), logger, clock, dispatch: true })
  await app.ready()
  t.teardown(() => app.close())
  return { app, db, clock, lines }
}

export async function eventRow(db: Db, id: string): Promise<EventRow> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

export async function onlyEvent(db: Db): Promise<EventRow> {
  const rows = await db.selectFrom('events').selectAll().execute()
  if (rows.length !== 1) throw new Error(`expected one event, found ${rows.length}`)
  return rows[0] as EventRow
}

/**
 * Moves the clock a second at a time (each step wakes the deliverer's idle wait) until `condition` holds, letting
 * 10 ms of real time pass at each step: a delivery's requests and queries take real time, and a clock that raced
 * through the 60 s lease meanwhile would hand the row to a second claim. Given `ready`, the clock also stands still
 * (real time passes, at most a minute of it) while `ready` says a delivery is under way: under load a request and its
 * record can take longer than any fixed pause (a CI run on PostgreSQL saw the lease run out that way).
 */
export async function drive(
  clock: TestClock,
  condition: () => Promise<boolean> | boolean,
  what: string,
  maxMs = 600_000,
  ready: () => Promise<boolean> | boolean = () => true,
): Promise<void> {
  for (let moved = 0, waited = 0; !(await condition());) {
    if (moved > maxMs) throw new Error(`${what}: not seen after ${maxMs} ms of clock time`)
    if (await ready()) {
      await clock.tick(1000)
      moved += 1000
    } else if ((waited += 10) > 60_000) throw new Error(`${what}: a delivery still under way after a minute of real time`)
    await delay(10)
  }
}

/** For `drive`: ready when every request `receiver` saw for event `id` has its attempt recorded on the row. */
export function recorded(receiver: { count(id: string): number }, db: Db, id: string): () => Promise<boolean> {
  return async () => receiver.count(id) <= (await eventRow(db, id)).attempts
}
