// The built server as a real process: starts on a fresh file, serves, refuses bad configuration, stops on SIGTERM.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { runServerExpectingFailure, SERVER, startServer } from './process.js'

t.before(() => {
  if (!existsSync(SERVER)) throw new Error('dist/ is missing: run npm run build (npm test does it first)')
})

t.test('starts on a fresh database, generates development secrets, serves, and stops cleanly on SIGTERM', async (t) => {
  const dir = t.testdir()
  const server = await startServer({ DATABASE_PATH: join(dir, 'data', 'smsbot.sqlite') })
  t.ok(existsSync(join(dir, 'data', 'smsbot.sqlite')), 'database file created with its folder')
  t.ok(existsSync(join(dir, 'data', 'dev-secrets.json')), 'development secrets kept beside it')
  t.ok(
    server.lines.some((l) => /development secrets generated/.test(l)),
    'a warning says so',
  )
  const health = await fetch(`${server.url}/healthz`)
  t.same(await health.json(), { status: 'ok' })
  t.ok(
    server.lines.some((l) => /"sender":"console"/.test(l)),
    'the console sender is the default',
  )
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
  t.ok(server.lines.some((l) => /shutting down/.test(l)))
})

t.test('a bad configuration refuses to start and names the variable', async (t) => {
  const result = await runServerExpectingFailure({ DATABASE_PATH: join(t.testdir(), 'db.sqlite'), PORT: 'eighty', OTP_LENGTH: '2' })
  t.equal(result.code, 1)
  t.match(result.output, /smsbot cannot start\. Invalid configuration:/)
  t.match(result.output, /PORT must be a whole number from 0 to 65535 \(got "eighty"\)/)
  t.match(result.output, /OTP_LENGTH must be a whole number from 4 to 10/)
  const production = await runServerExpectingFailure({ DATABASE_PATH: join(t.testdir(), 'db.sqlite'), NODE_ENV: 'production' })
  t.equal(production.code, 1)
  t.match(production.output, /SESSION_SECRET is required when NODE_ENV is production/)
})

t.test('a database migrated by newer code refuses to start', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = openDatabase(path)
  await migrateToLatest(db, path)
  await db
    .insertInto('kysely_migration' as never)
    .values({ name: '2099-01-01-01-future', timestamp: new Date().toISOString() })
    .execute()
  await db.destroy()
  const result = await runServerExpectingFailure({ DATABASE_PATH: path })
  t.equal(result.code, 1)
  t.match(result.output, /migrated by a newer version of smsbot/)
})
