// Wiring the number and putting it back: the record beside the database, wiring twice, changes made by someone else.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { numberWebhooks, WiringError } from '../../src/wiring/twilio-number.js'
import { BadRecordError, readSavedWebhook, restoreNumber, savedWebhookPath, smsWebhookUrl, wireNumber } from '../../src/wiring/wire.js'
import { ACCOUNT_SID, type TapT } from '../helpers.js'
import { startMockTwilio, type MockAccount } from '../../src/dev/mock-twilio.js'

const TOKEN = '0123456789abcdef0123456789abcdef'
const SID = `PN${'1'.repeat(32)}`
const PHONE = '+15551234567'
const NOW = new Date('2026-11-23T12:00:00.000Z')

async function setup(t: TapT, options: Partial<MockAccount> = {}) {
  const m = await startMockTwilio({
    account: {
      accountSid: ACCOUNT_SID,
      authToken: TOKEN,
      numbers: [{ sid: SID, phoneNumber: PHONE, smsUrl: 'https://demo.twilio.com/welcome/sms/reply', smsMethod: 'GET' }],
      ...options,
    },
  })
  t.teardown(() => m.close())
  const numbers = numberWebhooks({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiUrl: m.url })
  const record = savedWebhookPath(join(t.testdir(), 'data', 'smsbot.sqlite'))
  const current = () => m.numbers[0]!
  return { m, numbers, record, current }
}

t.test('the record lives beside the database; the webhook is PUBLIC_URL/sms', async (t) => {
  t.equal(savedWebhookPath('./data/smsbot.sqlite'), join('data', 'twilio-webhook.json'))
  t.equal(smsWebhookUrl(new URL('https://abc123.ngrok-free.app')), 'https://abc123.ngrok-free.app/sms')
  t.equal(smsWebhookUrl(new URL('https://example.org/bot/')), 'https://example.org/bot/sms')
})

t.test('wire points the number at smsbot and remembers what it replaced; restore puts it back', async (t) => {
  const { m, numbers, record, current } = await setup(t)
  const wired = await wireNumber(numbers, record, await numbers.find(PHONE), 'https://abc123.ngrok-free.app/sms', NOW)
  t.same(wired, {
    number: { sid: SID, phoneNumber: PHONE, smsUrl: 'https://abc123.ngrok-free.app/sms', smsMethod: 'POST', smsApplicationSid: '' },
    wiredUrl: 'https://abc123.ngrok-free.app/sms',
    previousUrl: 'https://demo.twilio.com/welcome/sms/reply',
    previousMethod: 'GET',
  })
  t.equal(current().smsUrl, 'https://abc123.ngrok-free.app/sms')
  t.equal(current().smsMethod, 'POST')
  t.same(JSON.parse(readFileSync(record, 'utf8')), {
    phoneNumberSid: SID,
    phoneNumber: PHONE,
    previousUrl: 'https://demo.twilio.com/welcome/sms/reply',
    previousMethod: 'GET',
    wiredUrl: 'https://abc123.ngrok-free.app/sms',
    wiredAt: '2026-11-23T12:00:00.000Z',
  })
  t.equal(statSync(record).mode & 0o777, 0o600, 'readable by its owner only')
  t.equal(statSync(join(record, '..')).mode & 0o777, 0o700, 'in a folder of its own owner’s')

  const restored = await restoreNumber(numbers, record)
  t.equal(restored.kind, 'restored')
  t.equal(current().smsUrl, 'https://demo.twilio.com/welcome/sms/reply')
  t.equal(current().smsMethod, 'GET')
  t.same(m.requests.at(-1)?.form, { SmsUrl: 'https://demo.twilio.com/welcome/sms/reply', SmsMethod: 'GET' })
  t.notOk(existsSync(record), 'the record is gone once restored')
  t.same(await restoreNumber(numbers, record), { kind: 'nothing' }, 'a second restore has nothing to do')
})

t.test('wiring again before restoring keeps the original webhook', async (t) => {
  const { numbers, record, current } = await setup(t)
  await wireNumber(numbers, record, await numbers.find(PHONE), 'https://first.ngrok-free.app/sms', NOW)
  chmodSync(record, 0o644)
  const again = await wireNumber(numbers, record, await numbers.find(PHONE), 'https://second.ngrok-free.app/sms', NOW)
  t.equal(again.previousUrl, 'https://demo.twilio.com/welcome/sms/reply', 'not the first tunnel’s URL')
  t.equal(readSavedWebhook(record)?.wiredUrl, 'https://second.ngrok-free.app/sms')
  t.equal(statSync(record).mode & 0o777, 0o600, 'a rewritten record is narrowed again')
  await restoreNumber(numbers, record)
  t.equal(current().smsUrl, 'https://demo.twilio.com/welcome/sms/reply')
})

t.test('a webhook changed by hand since the last wire becomes the one to put back', async (t) => {
  const { numbers, record, current } = await setup(t)
  await wireNumber(numbers, record, await numbers.find(PHONE), 'https://first.ngrok-free.app/sms', NOW)
  current().smsUrl = 'https://production.example.org/sms'
  const again = await wireNumber(numbers, record, await numbers.find(PHONE), 'https://second.ngrok-free.app/sms', NOW)
  t.equal(again.previousUrl, 'https://production.example.org/sms')
})

t.test('restore leaves a webhook someone changed after smsbot set it', async (t) => {
  const { m, numbers, record, current } = await setup(t)
  await wireNumber(numbers, record, await numbers.find(PHONE), 'https://abc123.ngrok-free.app/sms', NOW)
  current().smsUrl = 'https://production.example.org/sms'
  const before = m.requests.length
  const restored = await restoreNumber(numbers, record)
  t.equal(restored.kind, 'changed')
  t.equal(current().smsUrl, 'https://production.example.org/sms')
  t.equal(m.requests.length, before + 1, 'only looked, changed nothing')
  t.notOk(existsSync(record))
})

t.test('a number with no webhook gets none back', async (t) => {
  const { numbers, record, current } = await setup(t, { numbers: [{ sid: SID, phoneNumber: PHONE, smsUrl: '', smsMethod: 'POST' }] })
  const wired = await wireNumber(numbers, record, await numbers.find(PHONE), 'https://abc123.ngrok-free.app/sms', NOW)
  t.equal(wired.previousUrl, '')
  await restoreNumber(numbers, record)
  t.equal(current().smsUrl, '')
})

t.test('a refused update leaves the record as it was', async (t) => {
  let refuse = false
  const { numbers, record, current } = await setup(t, {
    respond: (r) =>
      refuse && r.method === 'POST' ? { status: 400, body: { code: 21402, message: 'Url is not a valid URL', status: 400 } } : undefined,
  })
  const number = await numbers.find(PHONE)
  refuse = true
  await t.rejects(wireNumber(numbers, record, number, 'https://abc123.ngrok-free.app/sms', NOW), WiringError)
  t.notOk(existsSync(record), 'no record of a change that did not happen')

  refuse = false
  await wireNumber(numbers, record, number, 'https://first.ngrok-free.app/sms', NOW)
  const earlier = readFileSync(record, 'utf8')
  refuse = true
  await t.rejects(wireNumber(numbers, record, await numbers.find(PHONE), 'https://second.ngrok-free.app/sms', NOW), WiringError)
  t.equal(readFileSync(record, 'utf8'), earlier, 'the earlier record is kept')
  t.equal(current().smsUrl, 'https://first.ngrok-free.app/sms')
})

t.test('a record smsbot did not write is refused, not trusted', async (t) => {
  const { numbers, record } = await setup(t)
  mkdirSync(join(record, '..'), { recursive: true })
  for (const text of ['{"phoneNumber":', 'null', '{"phoneNumber":"+15551234567"}']) {
    writeFileSync(record, text)
    const err = await restoreNumber(numbers, record).catch((e: unknown) => e)
    t.type(err, BadRecordError, text)
    t.equal((err as BadRecordError).path, record)
  }
  mkdirSync(`${record}.d`)
  t.throws(() => readSavedWebhook(`${record}.d`), { code: 'EISDIR' }, 'other read errors are not hidden')
})
