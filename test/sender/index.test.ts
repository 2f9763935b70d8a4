// createSender picks the sender SMS_SENDER names.
import t from 'tap'
import { startMockTwilio } from '../../src/dev/mock-twilio.js'
import { createSender } from '../../src/sender/index.js'
import { ACCOUNT_SID, memoryLogger, testClock, testConfig } from '../helpers.js'

t.test('console by default, twilio with credentials, aimed at TWILIO_API_URL', async (t) => {
  const { logger } = memoryLogger()
  t.equal(createSender(testConfig(t), logger, testClock()).kind, 'console')
  const mock = await startMockTwilio()
  t.teardown(() => mock.close())
  const config = testConfig(t, { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_PHONE_NUMBER: '+16175550100', TWILIO_API_URL: mock.url })
  const sender = createSender(config, logger, testClock())
  t.equal(sender.kind, 'twilio')
  await sender.send({ to: '+16175550123', body: 'hello' })
  t.equal(mock.messages[0]?.from, '+16175550100')
  const notFound = await fetch(`${mock.url}/elsewhere`, { method: 'POST' })
  t.equal(notFound.status, 404, 'the mock answers unknown paths like Twilio')
})
