// The smsbot CLI: a signed text to a listening server, topics, usage and failures.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readdirSync } from 'node:fs'
import t from 'tap'
import { runCli, USAGE } from '../../src/cli/main.js'
import { AUTH_TOKEN, buildTestApp, SESSION_SECRET } from '../helpers.js'

function io(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  return { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), lines: { out, err } }
}

t.test('text signs a webhook like Twilio and prints the reply', async (t) => {
  const test = await buildTestApp(t)
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const env = { DATABASE_PATH: test.config.databasePath, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }

  const cli = io(env)
  t.equal(await runCli(['topics', 'add', 'cs2500-01', 'Fundamentals', 'of', 'CS', '1'], cli), 0)
  t.same(cli.lines.out, ['Topic CS2500-01 is open: Fundamentals of CS 1'])

  const sub = io(env)
  t.equal(await runCli(['text', '--url', url, '(617) 555-0123', 'SUB', 'cs2500-01'], sub), 0)
  t.same(sub.lines.out, [
    'Subscribed to CS2500-01 (Fundamentals of CS 1). ' +
      'smsbot: alerts for the topics you follow. Msg&data rates may apply. Reply STOP to cancel.',
  ])
  const stored = await test.db.selectFrom('inbound_messages').selectAll().executeTakeFirstOrThrow()
  t.equal(stored.phone, '+16175550123', 'the number was sent in E.164, as Twilio does')
  t.match(stored.message_sid, /^SM[0-9a-f]{32}$/)

  const help = io(env)
  t.equal(await runCli(['text', '--url', url, '+16175550123', 'H'], help), 0)
  t.match(help.lines.out[0], /^SUB <topic> to follow/)

  const stop = io(env)
  t.equal(await runCli(['text', '--url', url, '+16175550123', 'STOP'], stop), 0)
  t.same(stop.lines.out, ['(no reply: empty TwiML)'])

  const list = io(env)
  t.equal(await runCli(['topics', 'list'], list), 0)
  t.same(list.lines.out, ['CS2500-01\t1 subscriber\tFundamentals of CS 1'])
})

t.test('text signs for PUBLIC_URL when it is set, so the server accepts it', async (t) => {
  const test = await buildTestApp(t, { env: { PUBLIC_URL: 'https://abc123.ngrok-free.app' } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const port = new URL(url).port
  const cli = io({
    DATABASE_PATH: test.config.databasePath,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_URL: 'https://abc123.ngrok-free.app',
    PORT: port,
    HOST: '0.0.0.0',
  })
  t.equal(await runCli(['text', '+16175550123', 'S'], cli), 0)
  t.match(cli.lines.out, [
    /^Tap to verify this phone \(works once, for 15 min\): https:\/\/abc123\.ngrok-free\.app\/verify\/link\?t=16175550123\./,
  ])
})

t.test('a wrong token is reported with the server’s answer and a non-zero exit', async (t) => {
  const test = await buildTestApp(t)
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const cli = io({ DATABASE_PATH: test.config.databasePath, TWILIO_AUTH_TOKEN: 'another-token-0123456789' })
  t.equal(await runCli(['text', '--url', url, '+16175550123', 'H'], cli), 1)
  t.match(cli.lines.err[0], /^smsbot answered 403: .*invalid_signature/)
})

t.test('an unreachable server is explained', async (t) => {
  const cli = io({ DATABASE_PATH: join(t.testdir(), 'db.sqlite'), TWILIO_AUTH_TOKEN: AUTH_TOKEN })
  t.equal(await runCli(['text', '--url', 'http://127.0.0.1:9', '+16175550123', 'H'], cli), 1)
  t.match(cli.lines.err[0], /^Cannot reach smsbot at http:\/\/127\.0\.0\.1:9\. Is it running/)

  const https = io({ DATABASE_PATH: join(t.testdir(), 'db.sqlite'), TWILIO_AUTH_TOKEN: AUTH_TOKEN })
  t.equal(await runCli(['text', '--url', 'https://127.0.0.1:9', '+16175550123', 'H'], https), 1, 'an https URL (a tunnel) too')
  t.match(https.lines.err[0], /^Cannot reach smsbot at https:\/\/127\.0\.0\.1:9\. Is it running/)
})

t.test('usage: help, bad arguments and bad configuration', async (t) => {
  const env = { DATABASE_PATH: join(t.testdir(), 'db.sqlite') }
  const cases: Array<[string[], number, RegExp]> = [
    [[], 2, /^Usage:/],
    [['--bogus'], 2, /Unknown option '--bogus'/],
    [['dance'], 2, /unknown command "dance"/],
    [['text'], 2, /text needs a phone number and a message/],
    [['text', '+16175550123'], 2, /text needs a phone number and a message/],
    [['text', '12', 'H'], 2, /"12" is not a phone number/],
    [['topics'], 2, /topics needs add, list or close/],
    [['topics', 'remove', 'CS1'], 2, /topics needs add, list or close/],
    [['topics', 'add', 'bad key!', 'x'], 2, /topics add needs a topic key/],
    [['topics', 'add', 'CS1'], 2, /topics add needs a title after the key/],
    [['topics', 'add', 'CS1', ' '], 2, /topics add needs a title after the key/],
    [['topics', 'close'], 2, /topics close needs a topic key/],
    [['notify'], 2, /notify needs a topic key and the text to send/],
    [['notify', 'CS1'], 2, /notify needs a topic key and the text to send/],
    [['notify', 'bad!', 'hello'], 2, /notify needs a topic key/],
    [['notify', 'CS1', 'x'.repeat(1601)], 1, /^The notification text is 1601 characters; the most is 1600\.$/],
    [['progress'], 2, /progress needs a notification id/],
    [['progress', 'seven'], 2, /progress needs a notification id/],
    [['--url', 'http://127.0.0.1:9', 'topics', 'list'], 1, /^ADMIN_TOKEN is needed to use the operator API at http:\/\/127\.0\.0\.1:9/],
  ]
  for (const [argv, code, message] of cases) {
    const cli = io(env)
    t.equal(await runCli(argv, cli), code, argv.join(' '))
    t.match(cli.lines.err.join('\n'), message, argv.join(' '))
  }
  t.notOk(existsSync(env.DATABASE_PATH), 'arguments are checked before the database is opened')
  const help = io(env)
  t.equal(await runCli(['--help'], help), 0)
  t.same(help.lines.out, [USAGE])
  const badConfig = io({ PORT: 'x' })
  t.equal(await runCli(['topics', 'list'], badConfig), 1)
  t.match(badConfig.lines.err[0], /PORT must be a whole number/)
})

t.test('topics list on an empty database says how to add one', async (t) => {
  const cli = io({ DATABASE_PATH: join(t.testdir(), 'db.sqlite') })
  t.equal(await runCli(['topics', 'list', '--create'], cli), 0)
  t.match(cli.lines.out[0], /^No open topics\. Add one: smsbot topics add/)
})

t.test('without a database to work on, topics and notify refuse instead of making one no server reads', async (t) => {
  const dir = t.testdir()
  for (const args of [
    ['topics', 'add', 'CS2500-01', 'Fundies'],
    ['notify', 'CS2500-01', 'hello'],
    ['topics', 'list'],
  ]) {
    const cli = io({ DATABASE_PATH: join(dir, 'data', 'smsbot.sqlite') })
    t.equal(await runCli(args, cli), 1, args.join(' '))
    t.match(cli.lines.err[0], /^There is no database at .*smsbot\.sqlite \(DATABASE_PATH\)\..*--create/)
  }
  t.same(readdirSync(dir), [], 'nothing was created: no database, no folder, no development secrets')
})
