// The console sender: logs without secrets, keeps an outbox, and GET /dev/outbox serves it only when active.
import t from 'tap'
import { createConsoleSender } from '../../src/sender/console.js'
import { buildTestApp, memoryLogger, testClock } from '../helpers.js'

t.test('keeps the latest messages, newest first, and hides sensitive bodies from the log', async (t) => {
  const { logger, lines } = memoryLogger()
  const sender = createConsoleSender(logger, testClock(), 3)
  for (let i = 1; i <= 4; i++) await sender.send({ to: '+16175550123', body: `message ${i}` })
  await sender.send({ to: '+16175550123', body: 'Your smsbot code is 4821', sensitive: true })
  t.same(
    sender.outbox().map((m) => m.body),
    ['Your smsbot code is 4821', 'message 4', 'message 3'],
  )
  t.equal(sender.outbox()[0]?.to, '+16175550123', 'the outbox is for the developer: full number')
  const log = lines.join('\n')
  t.match(log, /message 4/)
  t.notMatch(log, /code is 4821|#4821/, 'the code is not logged')
  t.match(log, /hidden: holds a one-time code/)
  t.notMatch(log, /6175550123/, 'the phone is masked')
  t.match(log, /\+1\*\*\*\*\*\*0123/)
})

t.test('GET /dev/outbox is served with the console sender and absent otherwise', async (t) => {
  const { logger } = memoryLogger()
  const sender = createConsoleSender(logger, testClock())
  const withConsole = await buildTestApp(t, { sender })
  await sender.send({ to: '+16175550123', body: 'hello' })
  const response = await withConsole.app.inject({ method: 'GET', url: '/dev/outbox' })
  t.equal(response.statusCode, 200)
  t.match(response.json(), { messages: [{ to: '+16175550123', body: 'hello', sentAt: '2026-11-23T12:00:00.000Z' }] })

  const withTest = await buildTestApp(t)
  t.equal((await withTest.app.inject({ method: 'GET', url: '/dev/outbox' })).statusCode, 404)
})
