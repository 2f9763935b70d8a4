// sendAt is at most 35 days ahead (Twilio's own scheduling limit): the API and the CLI refuse further with a reason.
import t from 'tap'
import { runCli, type CliIo } from '../../src/cli/main.js'
import { readSchedule } from '../../src/operators/problems.js'
import { AUTH_TOKEN, buildTestApp, DATABASES, SESSION_SECRET, text } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const DAY = 86_400_000

t.test('readSchedule: 35 days ahead is the most', async (t) => {
  const now = new Date('2026-11-23T12:00:00.000Z')
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString()
  t.match(readSchedule(at(35 * DAY), undefined, now), { ok: true, sendAt: new Date(now.getTime() + 35 * DAY) })
  t.same(readSchedule(at(35 * DAY + 1), undefined, now), {
    ok: false,
    problem: {
      error: 'send_at_too_far',
      message: 'sendAt (2026-12-28T12:00:00.001Z) is more than 35 days ahead, the most Twilio schedules: publish it nearer the time.',
    },
  })
  t.match(readSchedule('9999-12-31T00:00:00Z', undefined, now), { ok: false, problem: { error: 'send_at_too_far' } })
  t.match(readSchedule(undefined, '9999-12-31T00:00:00Z', now), { ok: true }, 'an expiry far ahead is harmless')
})

for (const database of DATABASES) {
  t.test(`${database}: the API refuses a sendAt more than 35 days ahead with 400 and a reason, and stores nothing`, async (t) => {
    const { app, db, clock } = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN }, database })
    const api = (method: 'PUT' | 'POST', url: string, payload: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, payload })
    await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
    await text(app, 'SUB CS1', { From: '+16175550100' })
    const far = await api('POST', '/api/topics/CS1/notifications', { body: 'hello', sendAt: '9999-12-31T00:00:00Z' })
    t.equal(far.statusCode, 400)
    t.same(far.json(), {
      error: 'send_at_too_far',
      message: 'sendAt (9999-12-31T00:00:00.000Z) is more than 35 days ahead, the most Twilio schedules: publish it nearer the time.',
    })
    t.equal(
      (
        await api('POST', '/api/topics/CS1/notifications', {
          body: 'hello',
          sendAt: new Date(clock.now().getTime() + 36 * DAY).toISOString(),
        })
      ).statusCode,
      400,
    )
    t.same(await db.selectFrom('notifications').selectAll().execute(), [], 'nothing queued')
    const limit = await api('POST', '/api/topics/CS1/notifications', {
      body: 'hello',
      sendAt: new Date(clock.now().getTime() + 35 * DAY).toISOString(),
    })
    t.equal(limit.statusCode, 202, 'exactly 35 days ahead is accepted')
  })
}

t.test('smsbot notify --at refuses the same, before anything is queued', async (t) => {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN } })
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const run = async (env: Record<string, string>, ...args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const cli: CliIo = { env, out: (l) => void out.push(l), err: (l) => void err.push(l), now: () => test.clock.now() }
    return { code: await runCli(args, cli), out, err }
  }
  const api = { ADMIN_TOKEN: ADMIN, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }
  const local = { DATABASE_PATH: test.config.databasePath, TWILIO_AUTH_TOKEN: AUTH_TOKEN, SESSION_SECRET }
  t.equal((await run(api, '--url', url, 'topics', 'add', 'CS1', 'Fundies')).code, 0)
  const refusal = 'sendAt (2027-01-02T12:00:00.000Z) is more than 35 days ahead, the most Twilio schedules: publish it nearer the time.'
  t.same(await run(api, '--url', url, 'notify', '--at', '+40d', 'CS1', 'hi'), { code: 1, out: [], err: [refusal] })
  t.same(await run(local, 'notify', '--at', '+40d', 'CS1', 'hi'), { code: 1, out: [], err: [refusal] }, 'on the database file too')
  t.same(await run(api, '--url', url, 'notify', '--at', '9999-12-31T00:00:00Z', 'CS1', 'hi'), {
    code: 1,
    out: [],
    err: ['sendAt (9999-12-31T00:00:00.000Z) is more than 35 days ahead, the most Twilio schedules: publish it nearer the time.'],
  })
  t.same(await test.db.selectFrom('notifications').selectAll().execute(), [])
  t.match(await run(api, '--url', url, '--no-wait', 'notify', '--at', '+35d', 'CS1', 'hi'), {
    code: 0,
    out: ['Notification 1 to CS1: 0 recipients, 1 segment each.'],
  })
})
