// smsbot keywords add|list|remove, through the server's API and on the local database, with the API's checks.
import { join } from 'node:path'
import t from 'tap'
import { runCli, type CliIo } from '../../src/cli/main.js'
import { AUTH_TOKEN, buildTestApp, SESSION_SECRET, testDb, text } from '../helpers.js'

const ADMIN_TOKEN = 'admin-token-0123456789abcdef'

function io(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const cli: CliIo = { env, out: (l) => void out.push(l), err: (l) => void err.push(l) }
  return { cli, out, err }
}

t.test("through the API (ADMIN_TOKEN and --url): add, list, remove, and the API's refusals", async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const env = { ADMIN_TOKEN, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }
  const run = async (...args: string[]) => {
    const { cli, out, err } = io(env)
    return { code: await runCli(['--url', url, 'keywords', ...args], cli), out, err }
  }
  t.same(await run('list'), { code: 0, out: ['No keywords. Add one: smsbot keywords add HOURS "Open 9 to 5, Monday to Friday."'], err: [] })
  t.same(await run('add', 'hours', 'Open', '9', 'to', '5.'), { code: 0, out: ['Keyword HOURS answers: Open 9 to 5. (1 segment)'], err: [] })
  t.same(await run('add', 'menu', 'x'.repeat(200)), { code: 0, out: [`Keyword MENU answers: ${'x'.repeat(200)} (2 segments)`], err: [] })
  t.same(await run('list'), { code: 0, out: ['HOURS\t1 segment\tOpen 9 to 5.', `MENU\t2 segments\t${'x'.repeat(57)}...`], err: [] })
  t.equal(await text(test.app, 'hours'), 'Open 9 to 5.')
  t.same(await run('remove', 'Hours'), { code: 0, out: ['Keyword HOURS removed: texting it gets the usual answer again.'], err: [] })
  t.same(await run('remove', 'hours'), { code: 1, out: [], err: ['smsbot answered 404: There is no keyword HOURS.'] })
})

t.test('on the local database: the same checks, and what the server answers', async (t) => {
  const path = join(t.testdir(), 'smsbot.sqlite')
  const db = await testDb(t, path)
  await db.destroy()
  const env = { DATABASE_PATH: path, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }
  const run = async (...args: string[]) => {
    const { cli, out, err } = io(env)
    return { code: await runCli(['keywords', ...args], cli), out, err }
  }
  t.same(await run('add', 'WIFI', 'Network', 'smsbot-guest,', 'password', 'on', 'the', 'door.'), {
    code: 0,
    out: ['Keyword WIFI answers: Network smsbot-guest, password on the door. (1 segment)'],
    err: [],
  })
  t.same(await run('list'), { code: 0, out: ['WIFI\t1 segment\tNetwork smsbot-guest, password on the door.'], err: [] })
  t.same(await run('add', 'stop', 'no'), {
    code: 1,
    out: [],
    err: ['STOP is a carrier keyword (opt-out, opt-in or help): it must always do what carriers expect, so it cannot be a keyword.'],
  })
  t.same(await run('add', 'list', 'no'), { code: 1, out: [], err: ['LIST is a built-in command, so it cannot be a keyword.'] })
  t.same(await run('add', '42', 'no'), {
    code: 1,
    out: [],
    err: ['A keyword is one word of 1 to 32 letters, digits, - or _, starting with a letter, e.g. HOURS.'],
  })
  t.same(await run('add', 'LONG', 'x'.repeat(1601)), { code: 1, out: [], err: ['The reply is 1601 characters; the most is 1600.'] })
  t.same(await run('remove', 'wifi'), { code: 0, out: ['Keyword WIFI removed: texting it gets the usual answer again.'], err: [] })
  t.same(await run('remove', 'wifi'), { code: 1, out: [], err: ['There is no keyword WIFI.'] })
  // The server on that file answers the keyword.
  const server = await buildTestApp(t, { env: { DATABASE_PATH: path } })
  await run('add', 'HOURS', 'Open 9 to 5.')
  t.equal(await text(server.app, 'hours'), 'Open 9 to 5.')
})

t.test('wrong arguments: the usage, exit code 2', async (t) => {
  for (const args of [[], ['add'], ['add', 'HOURS'], ['remove'], ['remove', 'a', 'b'], ['list', 'x'], ['rename']]) {
    const { cli, err } = io({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET })
    t.equal(await runCli(['keywords', ...args], cli), 2, args.join(' '))
    t.match(err[0], /^smsbot: keywords needs add <word> <reply\.\.\.>, list, or remove <word>/)
  }
})
