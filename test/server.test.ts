// The built server as a real process: starts on a fresh file, serves, refuses bad configuration, stops on SIGTERM.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { migrateToLatest, openDatabase } from '../src/database.js'
import { AUTH_TOKEN, DATABASES, inbound, SESSION_SECRET, testPostgresUrl } from './helpers.js'
import { BUNDLE, postSignedSms, runServerExpectingFailure, SERVER, startServer } from './process.js'

t.before(() => {
  if (!existsSync(SERVER) || !existsSync(BUNDLE)) throw new Error('dist/ is missing: run npm run build (npm test does it first)')
})

t.test('the bundle (node dist/src/server.js) is one file of our code that serves signed webhooks on both databases', async (t) => {
  const bundle = readFileSync(BUNDLE, 'utf8')
  t.notMatch(bundle, /\bfrom\s*["']\.\.?\//, 'it imports none of our modules: they are inside it')
  t.match(bundle, /\bfrom\s*["']better-sqlite3["']/, 'the native driver stays a package')
  for (const kind of DATABASES) {
    await t.test(kind, async (t) => {
      const database: Record<string, string> =
        kind === 'postgres' ? { DATABASE_URL: await testPostgresUrl(t) } : { DATABASE_PATH: join(t.testdir(), 'smsbot.sqlite') }
      // No coverage from the bundle: the same sources are covered through tsc's output (see test/process.ts).
      const env = { ...database, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET, NODE_V8_COVERAGE: '' }
      const server = await startServer(env, 20_000, BUNDLE)
      t.teardown(() => void server.child.kill('SIGKILL'))
      const response = await postSignedSms(server, inbound('H'), AUTH_TOKEN)
      t.equal(response.status, 200)
      t.match(await response.text(), /<Response><Message>[^<]+<\/Message><\/Response>/, 'a TwiML reply')
      server.child.kill('SIGTERM')
      t.equal(await server.exited, 0, 'and it stops cleanly')
    })
  }
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
