// The IncomingPhoneNumbers calls through the real SDK against a local recording mock: request shape and error sorting.
import t from 'tap'
import { numberWebhooks, WiringError } from '../../src/wiring/twilio-number.js'
import { ACCOUNT_SID, type TapT } from '../helpers.js'
import { startMockTwilio, type MockAccount } from '../../src/dev/mock-twilio.js'

const TOKEN = '0123456789abcdef0123456789abcdef'
const SID = `PN${'1'.repeat(32)}`
const OTHER_SID = `PN${'2'.repeat(32)}`
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${TOKEN}`).toString('base64')}`

async function mock(t: TapT, options: Partial<MockAccount> = {}) {
  const m = await startMockTwilio({
    account: {
      accountSid: ACCOUNT_SID,
      authToken: TOKEN,
      numbers: [
        // Listed first: Twilio's filter also matches it for +15551234567, as a partial number.
        { sid: OTHER_SID, phoneNumber: '+155512345678', smsUrl: 'https://other.example/sms', smsMethod: 'POST' },
        {
          sid: SID,
          phoneNumber: '+15551234567',
          smsUrl: 'https://demo.twilio.com/welcome/sms/reply',
          smsMethod: 'GET',
          smsApplicationSid: '',
        },
      ],
      ...options,
    },
  })
  t.teardown(() => m.close())
  return m
}

const problemOf = (err: unknown) => (err as WiringError).problem

t.test('find lists with the PhoneNumber filter and keeps only the exact number', async (t) => {
  const m = await mock(t)
  const numbers = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url })
  const number = await numbers.find('+15551234567')
  t.same(number, {
    sid: SID,
    phoneNumber: '+15551234567',
    smsUrl: 'https://demo.twilio.com/welcome/sms/reply',
    smsMethod: 'GET',
    smsApplicationSid: '',
  })
  t.equal(m.requests.length, 1)
  const request = m.requests[0]!
  t.equal(request.method, 'GET')
  t.equal(request.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers.json`)
  t.equal(request.query.PhoneNumber, '+15551234567')
  t.equal(request.authorization, BASIC)
})

t.test('point posts SmsUrl and SmsMethod to the number and returns it as Twilio has it now', async (t) => {
  const m = await mock(t)
  const numbers = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url })
  const updated = await numbers.point(SID, 'https://abc123.ngrok-free.app/sms', 'POST')
  t.equal(updated.smsUrl, 'https://abc123.ngrok-free.app/sms')
  t.equal(updated.smsMethod, 'POST')
  const request = m.requests[0]!
  t.equal(request.method, 'POST')
  t.equal(request.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers/${SID}.json`)
  t.same(request.form, { SmsUrl: 'https://abc123.ngrok-free.app/sms', SmsMethod: 'POST' })
  t.equal(m.numbers.find((n) => n.sid === OTHER_SID)?.smsUrl, 'https://other.example/sms', 'the other number is untouched')

  // Twilio writes '' for "no webhook", and clears one when sent ''; a method it never had is not sent.
  await numbers.point(SID, '', '')
  t.same(m.requests[1]?.form, { SmsUrl: '' })
  t.equal(m.numbers.find((n) => n.sid === SID)?.smsUrl, '')
})

t.test('null fields read as unset, as Twilio’s empty strings do', async (t) => {
  const m = await mock(t, {
    respond: () => ({
      status: 200,
      body: {
        incoming_phone_numbers: [{ sid: SID, phone_number: '+15551234567', sms_url: null, sms_method: null, sms_application_sid: null }],
        next_page_uri: null,
      },
    }),
  })
  const number = await numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url }).find('+15551234567')
  t.same(number, { sid: SID, phoneNumber: '+15551234567', smsUrl: '', smsMethod: '', smsApplicationSid: '' })
})

t.test('refusals are sorted by what there is to fix', async (t) => {
  const m = await mock(t)
  const right = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url })
  const wrongToken = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: 'not-the-token-0123456789', apiUrl: m.url })

  await t.rejects(wrongToken.find('+15551234567'), WiringError)
  t.same(problemOf(await wrongToken.find('+15551234567').catch((e: unknown) => e)), { kind: 'credentials' }, '401 with Twilio error 20003')
  t.same(problemOf(await wrongToken.point(SID, 'https://x.example/sms', 'POST').catch((e: unknown) => e)), { kind: 'credentials' })
  t.same(problemOf(await right.find('+16175550100').catch((e: unknown) => e)), { kind: 'no-number' }, 'an empty list')
  t.same(problemOf(await right.find('+1555123456').catch((e: unknown) => e)), { kind: 'no-number' }, 'partial matches only')
  t.same(
    problemOf(await right.point(`PN${'9'.repeat(32)}`, 'https://x.example/sms', 'POST').catch((e: unknown) => e)),
    { kind: 'no-number' },
    '404 on update',
  )

  const closed = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: 'http://127.0.0.1:9' })
  const unreachable = problemOf(await closed.find('+15551234567').catch((e: unknown) => e))
  t.equal(unreachable.kind, 'unreachable')
  t.match(unreachable, { detail: /^ECONNREFUSED/ })
})

t.test('other answers keep Twilio’s status, code and message', async (t) => {
  const m = await mock(t, {
    respond: (r) =>
      r.method === 'POST' ? { status: 400, body: { code: 21402, message: 'SmsUrl is not valid', status: 400 } } : { status: 503, body: {} },
  })
  const numbers = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url })
  t.same(problemOf(await numbers.point(SID, 'https://x.example/sms', 'POST').catch((e: unknown) => e)), {
    kind: 'twilio',
    status: 400,
    code: 21402,
    detail: 'SmsUrl is not valid',
  })
  t.same(problemOf(await numbers.find('+15551234567').catch((e: unknown) => e)), {
    kind: 'twilio',
    status: 503,
    code: undefined,
    detail: 'no message (HTTP 503)',
  })
  t.match(
    new WiringError({ kind: 'twilio', status: 400, code: 21402, detail: 'SmsUrl is not valid' }).message,
    /twilio \(SmsUrl is not valid\)/,
  )
  t.equal(new WiringError({ kind: 'credentials' }).message, 'Twilio wiring failed: credentials')
})
