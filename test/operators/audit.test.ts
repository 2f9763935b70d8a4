// Every operator action is recorded with who made it (SPEC §13): the API as `api`, the CLI as `cli`, a console operator
// by profile; publishedBy on each notification; a console confirmation published twice queues it once.
import t from 'tap'
import { localOperator } from '../../src/cli/operators.js'
import { latestOperatorActions } from '../../src/operators/audit.js'
import { DATABASES, text } from '../helpers.js'
import { BEARER, consoleApp } from '../console/setup.js'

const KEY = 'CS2500-01'

for (const database of DATABASES) {
  t.test(`${database}: API, console and CLI actions are each recorded with their actor, in order`, async (t) => {
    const { app, db, config, operator } = await consoleApp(t, database)
    const api = (method: 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
      app.inject({ method, url, headers: BEARER, ...(payload === undefined ? {} : { payload }) })
    t.equal((await api('PUT', `/api/topics/${KEY}`, { title: 'Fundamentals' })).statusCode, 200)
    t.equal((await api('PUT', '/api/keywords/HOURS', { reply: 'Open 9-5.' })).statusCode, 200)
    await text(app, `SUB ${KEY}`, { From: '+16175550101' })
    const published = await api('POST', `/api/topics/${KEY}/notifications`, { body: 'From the API' })
    t.equal(published.statusCode, 202)
    const id = published.json<{ id: number }>().id
    const progress = await app.inject({ method: 'GET', url: `/api/notifications/${id}`, headers: BEARER })
    t.equal(progress.json<{ publishedBy: string }>().publishedBy, 'api', 'publishedBy on the notification')

    const browser = await operator()
    await browser.get('/console/keywords')
    t.equal((await browser.post('/console/keywords/remove', { word: 'HOURS' })).statusCode, 303)
    const session = await db.selectFrom('sessions').select('profile_id').where('revoked_at', 'is', null).executeTakeFirstOrThrow()

    const cli = await localOperator(config.databaseLocation)
    t.teardown(() => cli.close())
    await cli.closeTopic(KEY)

    const actions = (await latestOperatorActions(db, 10)).reverse().map((a) => `${a.actor} ${a.action} ${a.target}`)
    t.same(actions, [
      `api topic.save ${KEY}`,
      'api keyword.set HOURS',
      `api notification.publish ${id}`,
      `${session.profile_id} keyword.remove HOURS`,
      `cli topic.close ${KEY}`,
    ])
  })

  t.test(`${database}: a confirmation published twice (a double click without JavaScript) queues one notification`, async (t) => {
    const { app, db, operator } = await consoleApp(t, database)
    await app.inject({ method: 'PUT', url: `/api/topics/${KEY}`, headers: BEARER, payload: { title: 'Fundamentals' } })
    await text(app, `SUB ${KEY}`, { From: '+16175550101' })
    const browser = await operator()
    await browser.get('/console/compose')
    const form = { topic: KEY, body: 'Room change', sendAt: '', expiresAt: '' }
    const confirm = await browser.post('/console/compose', { ...form, step: 'confirm' })
    t.equal(confirm.statusCode, 200)
    const key = /name="key" value="([\w-]{21})"/.exec(confirm.body)?.[1]
    t.ok(key, 'the confirmation carries a one-time key')
    const [first, second] = await Promise.all([
      browser.post('/console/compose/publish', { ...form, key: key as string }),
      browser.post('/console/compose/publish', { ...form, key: key as string }),
    ])
    t.equal(first.statusCode, 303)
    t.equal(second.headers.location, first.headers.location, 'both land on the same notification')
    t.same(await db.selectFrom('notifications').select(['recipients', 'published_by']).execute(), [
      { recipients: 1, published_by: (await db.selectFrom('sessions').select('profile_id').executeTakeFirstOrThrow()).profile_id },
    ])
    t.equal((await db.selectFrom('outbox').select('id').execute()).length, 1, 'one text queued')
    t.equal((await latestOperatorActions(db, 10)).filter((a) => a.action === 'notification.publish').length, 1, 'recorded once')
  })
}
