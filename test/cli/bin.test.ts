// bin/smsbot.js as a real process against the built server with the console sender: topics, texts, notify with progress.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startServer } from '../process.js'
import { projectPath } from '../root.js'

const BIN = projectPath('bin/smsbot.js')
const ADMIN_TOKEN = 'admin-token-0123456789abcdef'

t.test('smsbot notify shows its progress until the console sender has sent to everyone', async (t) => {
  const dir = t.testdir()
  // QUIET_HOURS=off: the real clock is used, and this must pass at any hour (quiet hours are tested on virtual time).
  const env = { DATABASE_PATH: join(dir, 'smsbot.sqlite'), ADMIN_TOKEN, SEND_RATE_PER_SECOND: '4', LOG_LEVEL: 'info', QUIET_HOURS: 'off' }
  const server = await startServer(env)
  t.teardown(() => server.child.kill('SIGTERM'))
  const smsbot = async (...args: string[]) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, '--url', server.url, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE ?? '', ...env },
    })
    return { out: stdout.split('\n').filter(Boolean), err: stderr.split('\n').filter(Boolean) }
  }

  t.same((await smsbot('topics', 'add', 'CS2500-01', 'Fundies 1')).out, ['Topic CS2500-01 is open: Fundies 1'])
  for (const n of ['0101', '0102', '0103', '0104', '0105']) {
    t.match((await smsbot('text', `+1617555${n}`, 'SUB CS2500-01')).out, [/^Subscribed to CS2500-01/])
  }
  const notify = await smsbot('notify', 'CS2500-01', 'A seat opened in CS2500-01')
  t.equal(notify.out[0], 'Notification 1 to CS2500-01: 5 recipients, 1 segment each.')
  t.equal(
    notify.out.at(-1),
    'Done: 5 of 5 accepted by Twilio (0 delivered so far), 0 failed.',
    'the console sender has no delivery receipts',
  )
  const bars = notify.out.slice(1, -1)
  t.ok(bars.length >= 2, `piped, each new state is its own line (${bars.length} lines)`)
  // Where the first bar starts depends on when the first poll lands; the sequence only ever moves forward.
  const done = bars.map((bar) => Number(/^\[[░▓█x]{24}\] +\d+% {2}(\d)\/5 {2}queued \d · sent \d/.exec(bar)?.[1]))
  t.same(done, [...done].sort(), `each bar is well formed and none goes backwards (${done.join(' → ')})`)
  t.match(bars.at(-1), /^\[▓{24}\] 100% {2}5\/5 {2}queued 0 · sent 5/)
  t.equal(new Set(bars).size, bars.length, 'an unchanged state is not printed again')
  t.same(notify.err, ['Ctrl-C stops watching; sending goes on in the server.'])

  const outbox = (await (await fetch(`${server.url}/dev/outbox`)).json()) as { messages: Array<{ body: string }> }
  t.equal(
    outbox.messages.filter((m) => m.body === 'A seat opened in CS2500-01\nText UNSUB CS2500-01 to stop.').length,
    5,
    'the console sender sent each one once',
  )
  t.notOk(
    server.lines.some((l) => /\+1617555010\d/.test(l)),
    'no full phone number in the server log',
  )
})
