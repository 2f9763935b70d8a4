// Operator text without control characters: stripped by the API and the CLI before it is stored, never printed raw by the CLI.
import { join } from 'node:path'
import t from 'tap'
import { runCli, type CliIo } from '../../src/cli/main.js'
import { localOperator } from '../../src/cli/operators.js'
import { oneLine, printable, stripControls } from '../../src/text/control.js'
import { AUTH_TOKEN, buildTestApp, DATABASES, SESSION_SECRET, testDb, text, type DatabaseKind, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const ESC = '\x1b'
/** What an attacker would put in: clear screen, a window title, an OSC-8 link, colour, a bell, DEL and C1 controls. */
const NASTY = [
  `${ESC}[2J`, // clear screen
  `${ESC}]0;pwned\x07`, // window title
  `${ESC}]8;;https://evil.example/${ESC}\\Fundies${ESC}]8;;${ESC}\\`, // OSC-8 link
  ` ${ESC}[31m1${ESC}[0m`, // colour
  '\x07\x7f\x9b2J\x85', // bell, DEL, C1 controls
].join('')
/** Any control character (C0, DEL, C1: Unicode's Cc) but tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u

t.test('stripControls, oneLine and printable', async (t) => {
  t.equal(stripControls(NASTY), 'Fundies 1', 'sequences go whole, not just their ESC')
  t.equal(stripControls('a\tb\nc\r\nd'), 'a\tb\nc\r\nd', 'tab and line breaks are kept')
  t.equal(stripControls(`one${ESC}]0;unterminated title`), 'one', 'an unterminated string runs to the end, as a terminal reads it')
  t.equal(stripControls(`a${ESC}Pdcs${ESC}\\b${ESC}cc${ESC}(Bd\x00\x1f`), 'abcd')
  t.equal(oneLine('  Line one \r\n line two\u2028three\n\n'), 'Line one line two three')
  t.equal(oneLine(`${ESC}[2J\n\t`), '')
  t.equal(printable(`x${ESC}[2J\x07\x7f\x9b\r\ny\rz\tw`), 'x\\x1B[2J\\x07\\x7F\\x9B\ny\\x0Dz\tw')
  const started = performance.now()
  stripControls(`${ESC}[`.repeat(50_000) + `${ESC}]`.repeat(50_000))
  t.ok(performance.now() - started < 500, 'linear in the length of the text')
})

async function setup(t: TapT, database: DatabaseKind) {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN }, database })
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    test.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload === undefined ? {} : { payload }) })
  return { ...test, api }
}

for (const database of DATABASES) {
  t.test(
    `${database}: the API stores titles, bodies and keyword replies without control characters, and refuses one left empty`,
    async (t) => {
      const { api, app, db } = await setup(t, database)
      const topic = await api('PUT', '/api/topics/CS1', { title: `${NASTY}\r\nsection 2` })
      t.equal(topic.statusCode, 200)
      t.same(topic.json(), { key: 'CS1', title: 'Fundies 1 section 2' }, 'a title is one line: its line break is a space')
      t.same(await db.selectFrom('topics').select('title').execute(), [{ title: 'Fundies 1 section 2' }])
      const emptyTitle = await api('PUT', '/api/topics/CS2', { title: `${ESC}[2J${ESC}]0;x\x07` })
      t.equal(emptyTitle.statusCode, 400)
      t.same(emptyTitle.json(), {
        error: 'invalid_title',
        message: 'The title holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
      })
      t.equal(await db.selectFrom('topics').select('key').where('key', '=', 'CS2').executeTakeFirst(), undefined, 'nothing stored')

      await text(app, 'SUB CS1', { From: '+16175550100' })
      const published = await api('POST', '/api/topics/CS1/notifications', {
        body: `Room change:\n${ESC}[1mB-201${ESC}[0m\tfrom today\x00`,
      })
      t.equal(published.statusCode, 202)
      t.same(
        await db.selectFrom('notifications').select('body').execute(),
        [{ body: 'Room change:\nB-201\tfrom today' }],
        'line breaks and tabs kept',
      )
      const emptyBody = await api('POST', '/api/topics/CS1/notifications', { body: '\x07\x07 \x1b[0m' })
      t.equal(emptyBody.statusCode, 400)
      t.match(emptyBody.json(), { error: 'empty_body', message: /nothing but control characters/ })

      const keyword = await api('PUT', '/api/keywords/HOURS', { reply: `${ESC}]0;owned\x07Open 9${ESC}[K to 5.\x7f` })
      t.same(keyword.json(), { word: 'HOURS', reply: 'Open 9 to 5.', segments: 1 })
      t.equal(await text(app, 'HOURS'), 'Open 9 to 5.', 'what the texter gets')
      const emptyReply = await api('PUT', '/api/keywords/WIFI', { reply: '\x1b[2J\x1b[H' })
      t.equal(emptyReply.statusCode, 400)
      t.same(emptyReply.json(), {
        error: 'empty_reply',
        message: 'The reply holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
      })
      t.equal((await api('PUT', '/api/keywords/WIFI', { reply: '   ' })).json<{ error: string }>().error, 'empty_reply')
      t.same(await db.selectFrom('keywords').select(['word', 'reply']).execute(), [{ word: 'HOURS', reply: 'Open 9 to 5.' }])
    },
  )
}

function io(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const status: string[] = []
  const cli: CliIo = {
    env,
    out: (l) => void out.push(l),
    err: (l) => void err.push(l),
    status: (l) => void status.push(l),
    sleep: async () => {},
  }
  return { cli, out, err, status }
}

t.test('the CLI strips what it stores, and prints text already stored with control characters escaped, never raw', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = await testDb(t, path)
  t.teardown(() => db.destroy())
  const env = { DATABASE_PATH: path, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }
  const run = async (...args: string[]) => {
    const { cli, out, err, status } = io(env)
    return { code: await runCli(args, cli), out, err, status }
  }
  t.same(await run('topics', 'add', 'CS1', NASTY), { code: 0, out: ['Topic CS1 is open: Fundies 1'], err: [], status: [] })
  t.same(await run('topics', 'add', 'CS2', `${ESC}[2J`), {
    code: 1,
    out: [],
    err: ['The title holds nothing but control characters (escape sequences and the like), which are removed: give it some text.'],
    status: [],
  })
  t.same(await run('keywords', 'add', 'HOURS', `${ESC}[31mOpen${ESC}[0m`, '9-5'), {
    code: 0,
    out: ['Keyword HOURS answers: Open 9-5 (1 segment)'],
    err: [],
    status: [],
  })
  t.same(await run('keywords', 'add', 'WIFI', '\x07\x07'), {
    code: 1,
    out: [],
    err: ['The reply holds nothing but control characters (escape sequences and the like), which are removed: give it some text.'],
    status: [],
  })
  t.match(await run('--no-wait', 'notify', 'CS1', `${ESC}]0;x\x07Seats`, 'open'), {
    code: 0,
    out: ['Notification 1 to CS1: 0 recipients, 1 segment each.'],
  })
  t.same(await db.selectFrom('notifications').select('body').execute(), [{ body: 'Seats open' }])
  t.same(await run('notify', 'CS1', `${ESC}[2J`), {
    code: 1,
    out: [],
    err: [
      'The notification text holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
    ],
    status: [],
  })

  // Rows written before this release (or by hand) may hold anything.
  await db
    .updateTable('topics')
    .set({ title: `Evil${ESC}]0;title\x07${ESC}[2J\r` })
    .where('key', '=', 'CS1')
    .execute()
  await db
    .updateTable('keywords')
    .set({ reply: `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\` })
    .execute()
  const topics = await run('topics', 'list')
  t.same(topics.out, ['CS1\t0 subscribers\tEvil\\x1B]0;title\\x07\\x1B[2J\\x0D'])
  const keywords = await run('keywords', 'list')
  t.same(keywords.out, ['HOURS\t1 segment\t\\x1B]8;;https://evil.example/\\x1B\\click\\x1B]8;;\\x1B\\'])
  for (const line of [...topics.out, ...keywords.out]) t.notMatch(line, CONTROL, 'nothing raw')

  // The library's own operator (for callers other than the CLI's commands) makes the same checks.
  const operator = await localOperator(path)
  t.teardown(() => operator.close())
  t.match(await operator.saveTopic('CS3', `Three\n${ESC}[1mbold`), { key: 'CS3', title: 'Three bold' })
  await t.rejects(operator.saveTopic('CS4', '\x00'), { message: /nothing but control characters/ })
  await t.rejects(operator.publish('CS3', '\x1b[2J'), { message: /nothing but control characters/ })
})

t.test('through the API, the CLI prints what the server returns escaped too', async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  await test.db
    .insertInto('topics')
    .values({ key: 'OLD', title: `Old${ESC}[2J`, created_at: test.clock.now().toISOString(), closed_at: null })
    .execute()
  const { cli, out, err, status } = io({ ADMIN_TOKEN: ADMIN, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET })
  t.equal(await runCli(['--url', url, 'topics', 'list'], cli), 0)
  t.same(out, ['OLD\t0 subscribers\tOld\\x1B[2J'])
  t.same([err, status], [[], []])
  const text = io({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET })
  await test.db
    .insertInto('keywords')
    .values({
      word: 'BELL',
      reply: `Ding\x07${ESC}[5m`,
      created_at: test.clock.now().toISOString(),
      updated_at: test.clock.now().toISOString(),
    })
    .execute()
  t.equal(await runCli(['text', '--url', url, '+16175550100', 'BELL'], text.cli), 0)
  t.equal(text.out.length, 1)
  t.notMatch(text.out[0], CONTROL, 'a reply printed by smsbot text holds none raw either (TwiML cannot carry most of them)')
})
