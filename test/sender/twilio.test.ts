// The Twilio sender through the real SDK against a local recording mock: request shape and error mapping.
import t from 'tap'
import { startMockTwilio } from '../../src/dev/mock-twilio.js'
import { SendError } from '../../src/sender/sender.js'
import { createTwilioSender } from '../../src/sender/twilio.js'
import { ACCOUNT_SID } from '../helpers.js'

const TOKEN = '0123456789abcdef0123456789abcdef'

t.test('sends To, Body, From and StatusCallback with basic auth, and returns the sid', async (t) => {
  const mock = await startMockTwilio()
  t.teardown(() => mock.close())
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: mock.url, phoneNumber: '+16175550100' })
  t.equal(sender.kind, 'twilio')
  const sent = await sender.send({
    to: '+16175550123',
    body: 'A seat opened in CS2500-01',
    statusCallback: 'https://abc.example/sms/status',
  })
  t.match(sent.sid, /^SM[0-9a-f]{32}$/)
  t.equal(mock.messages.length, 1)
  const message = mock.messages[0]!
  t.equal(message.sid, sent.sid)
  t.equal(message.accountSid, ACCOUNT_SID)
  t.equal(message.to, '+16175550123')
  t.equal(message.from, '+16175550100')
  t.equal(message.body, 'A seat opened in CS2500-01')
  t.equal(message.statusCallback, 'https://abc.example/sms/status')
  t.equal(message.authorization, `Basic ${Buffer.from(`${ACCOUNT_SID}:${TOKEN}`).toString('base64')}`)
})

t.test('a Messaging Service sends instead of a number', async (t) => {
  const mock = await startMockTwilio()
  t.teardown(() => mock.close())
  const sender = createTwilioSender({
    accountSid: ACCOUNT_SID,
    authToken: TOKEN,
    apiUrl: mock.url,
    messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
  })
  await sender.send({ to: '+16175550123', body: 'hi' })
  t.equal(mock.messages[0]?.messagingServiceSid, 'MG0123456789abcdef0123456789abcdef')
  t.equal(mock.messages[0]?.from, undefined)
  t.equal(mock.messages[0]?.statusCallback, undefined, 'no callback unless asked')
})

t.test('errors keep Twilio’s status and code and say whether a retry can help', async (t) => {
  const replies: Record<string, { status: number; body: Record<string, unknown> }> = {
    '+16175550001': { status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } },
    '+16175550002': { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } },
    '+16175550003': { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } },
    '+16175550004': { status: 503, body: { code: 20503, message: 'Service unavailable', status: 503 } },
  }
  const mock = await startMockTwilio({ respond: (m) => replies[m.to] })
  t.teardown(() => mock.close())
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: mock.url, phoneNumber: '+16175550100' })
  const expected: Array<[string, number, number, boolean]> = [
    ['+16175550001', 400, 21610, false],
    ['+16175550002', 400, 21211, false],
    ['+16175550003', 429, 20429, true],
    ['+16175550004', 503, 20503, true],
  ]
  for (const [to, status, code, retryable] of expected) {
    const error = (await t.rejects(sender.send({ to, body: 'x' }), SendError)) as unknown as SendError
    t.same({ status: error.status, code: error.code, retryable: error.retryable }, { status, code, retryable }, to)
  }
})

t.test('a network failure is retryable', async (t) => {
  const mock = await startMockTwilio()
  const url = mock.url
  await mock.close()
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: url, phoneNumber: '+16175550100' })
  const error = (await t.rejects(sender.send({ to: '+16175550123', body: 'x' }), SendError)) as unknown as SendError
  t.equal(error.retryable, true)
  t.equal(error.status, undefined)
})
