// The CLI's local operator on DATABASE_URL: topics and notifications written straight into PostgreSQL.
import t from 'tap'
import { runCli } from '../../src/cli/main.js'
import { openDatabase } from '../../src/database.js'
import { AUTH_TOKEN, SESSION_SECRET, testPostgresUrl } from '../helpers.js'

function io(env: Record<string, string>) {
  const lines = { out: [] as string[], err: [] as string[] }
  return {
    lines,
    cli: {
      env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET, ...env },
      out: (line: string) => void lines.out.push(line),
      err: (line: string) => void lines.err.push(line),
    },
  }
}

t.test('without ADMIN_TOKEN, topics and notify work on DATABASE_URL (migrating it first)', async (t) => {
  const url = await testPostgresUrl(t)
  const add = io({ DATABASE_URL: url })
  t.equal(await runCli(['topics', 'add', 'cs2500-01', 'Fundies', '1'], add.cli), 0)
  t.same(add.lines.out, ['Topic CS2500-01 is open: Fundies 1'])
  const list = io({ DATABASE_URL: url })
  t.equal(await runCli(['topics', 'list'], list.cli), 0)
  t.match(list.lines.out, [/^CS2500-01\t0 subscribers\tFundies 1$/])
  const notify = io({ DATABASE_URL: url })
  t.equal(await runCli(['notify', '--no-wait', 'CS2500-01', 'hello'], notify.cli), 0)
  t.match(notify.lines.out[0], /^Notification 1 to CS2500-01: 0 recipients/)
  const db = openDatabase(url)
  t.teardown(() => db.destroy())
  t.same(
    await db.selectFrom('topics').select(['key', 'title']).execute(),
    [{ key: 'CS2500-01', title: 'Fundies 1' }],
    'written to PostgreSQL',
  )
  const both = io({ DATABASE_URL: url, DATABASE_PATH: './x.sqlite' })
  t.equal(await runCli(['topics', 'list'], both.cli), 1)
  t.match(both.lines.err.join('\n'), /DATABASE_URL and DATABASE_PATH are both set/)
})
