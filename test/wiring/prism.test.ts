// Twilio contract: the IncomingPhoneNumbers list and update calls through the real SDK against Prism serving Twilio's OpenAPI spec.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../../src/cli/main.js'
import { numberWebhooks, WiringError } from '../../src/wiring/twilio-number.js'
import { ACCOUNT_SID } from '../helpers.js'
import { prismFor } from '../prism.js'

const TOKEN = '0123456789abcdef0123456789abcdef'
// The number in the spec's own example list response (static mode answers with it).
const SPEC_NUMBER = '+18089255327'
const SPEC_SID = 'PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'

// Without --errors: Twilio's own examples break its response schema (see test/prism.ts).
const prism = prismFor(t, { errors: false })

const numbers = () => numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: prism.url })

t.test('the list call with the PhoneNumber filter is one Twilio’s API description allows, and its answer is read', async (t) => {
  const number = await numbers().find(SPEC_NUMBER)
  t.same(number, { sid: SPEC_SID, phoneNumber: SPEC_NUMBER, smsUrl: '', smsMethod: 'POST', smsApplicationSid: '' })
  const other = await numbers()
    .find('+15551234567')
    .catch((e: unknown) => e)
  t.type(other, WiringError, 'the example holds another number only')
})

t.test('the update call with SmsUrl and SmsMethod is one Twilio’s API description allows', async (t) => {
  const updated = await numbers().point(SPEC_SID, 'https://abc123.ngrok-free.app/sms', 'POST')
  t.equal(updated.sid, SPEC_SID)
  const get = await numbers().point(SPEC_SID, 'https://demo.twilio.com/welcome/sms/reply', 'GET')
  t.equal(get.sid, SPEC_SID, 'GET is allowed too, for restoring')
})

t.test('the mock is strict: requests the description does not allow are refused', async (t) => {
  const badMethod = await numbers()
    .point(SPEC_SID, 'https://abc123.ngrok-free.app/sms', 'PUT')
    .catch((e: unknown) => e)
  t.match((badMethod as WiringError).problem, { kind: 'twilio', status: 422 }, 'SmsMethod must be GET or POST')
  const badSid = await numbers()
    .point('PN123', 'https://abc123.ngrok-free.app/sms', 'POST')
    .catch((e: unknown) => e)
  t.match((badSid as WiringError).problem, { kind: 'twilio', status: 422 }, 'a number SID is PN + 32 hex digits')
  // The spec says SmsUrl is format: uri, so Prism also refuses '' (how a restore clears a webhook that was unset).
  // Twilio itself accepts it: its own examples return sms_url "", and `twilio phone-numbers:update --sms-url=""`
  // clears one (twilio/twilio-cli-core#57). The recording mock covers that case.
  const empty = await numbers()
    .point(SPEC_SID, '', 'POST')
    .catch((e: unknown) => e)
  t.match((empty as WiringError).problem, { kind: 'twilio', status: 422 })
})

t.test('smsbot wire makes only calls the description allows', async (t) => {
  const dir = t.testdir()
  const env = {
    DATABASE_PATH: join(dir, 'smsbot.sqlite'),
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_PHONE_NUMBER: SPEC_NUMBER,
    TWILIO_API_URL: prism.url,
  }
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['wire', 'https://abc123.ngrok-free.app'], { env, out: (l) => void out.push(l), err: (l) => void err.push(l) })
  t.same(err, [])
  t.equal(code, 0)
  t.equal(out[0], 'Twilio number +1******5327 now sends incoming SMS to https://abc123.ngrok-free.app/sms (POST).')
  t.ok(existsSync(join(dir, 'twilio-webhook.json')))
})
