// Reading typed phone numbers: E.164 out, and refusals for invalid numbers, other countries and numbers that cannot take a text.
import t from 'tap'
import { NOT_MOBILE_TYPES, normalizePhone } from '../../src/phones/normalize.js'

const read = (input: string) => normalizePhone(input, 'US', ['US', 'CA'])

t.test('numbers as people type them come back in E.164', async (t) => {
  t.same(read('(617) 555-0123'), { ok: true, phone: '+16175550123', country: 'US' })
  t.same(read(' +1 617 555 0123 '), { ok: true, phone: '+16175550123', country: 'US' })
  t.same(read('416-555-0199'), { ok: true, phone: '+14165550199', country: 'CA' })
})

t.test('invalid numbers and numbers outside the allowed countries are refused', async (t) => {
  t.same(read('12'), { ok: false, reason: 'invalid' })
  t.same(read('not a number'), { ok: false, reason: 'invalid' })
  t.same(read('+1 700 555 0100'), { ok: false, reason: 'invalid' })
  t.same(read('+44 20 7946 0958'), { ok: false, reason: 'country', country: 'GB' }, 'the country is said before the type')
})

t.test('numbers known not to receive a text are refused with their type', async (t) => {
  t.same(read('+1 900 555 0198'), { ok: false, reason: 'notMobile', type: 'PREMIUM_RATE' })
  t.same(read('+1 800 555 0199'), { ok: false, reason: 'notMobile', type: 'TOLL_FREE' })
  t.same(read('(888) 555-0100'), { ok: false, reason: 'notMobile', type: 'TOLL_FREE' })
  const uk = (input: string) => normalizePhone(input, 'GB', ['GB'])
  t.same(uk('020 7946 0958'), { ok: false, reason: 'notMobile', type: 'FIXED_LINE' }, 'a landline where the metadata is sure')
  t.same(uk('0300 555 0100'), { ok: false, reason: 'notMobile', type: 'UAN' })
  t.same(uk('07623 123456'), { ok: false, reason: 'notMobile', type: 'PAGER' })
  t.same(normalizePhone('+61 1300 975 707', 'US', ['AU']), { ok: false, reason: 'notMobile', type: 'SHARED_COST' })
  t.same(uk('07400 123456'), { ok: true, phone: '+447400123456', country: 'GB' }, 'a mobile')
  t.same([...NOT_MOBILE_TYPES].sort(), [
    'FIXED_LINE',
    'PAGER',
    'PERSONAL_NUMBER',
    'PREMIUM_RATE',
    'SHARED_COST',
    'TOLL_FREE',
    'UAN',
    'VOICEMAIL',
    'VOIP',
  ])
})

t.test('personal-communication and VoIP-only numbers are refused by the metadata, as premium rate is (issue 18, item 11)', async (t) => {
  // +1 5XX (500, 533, 544, 566, 577, 588, …) are personal-communication "follow-me" numbers; +1 600 is a Canadian
  // non-geographic service range the metadata types VOIP. None is a line a person texts from.
  t.same(read('+1 500 555 0100'), { ok: false, reason: 'notMobile', type: 'PERSONAL_NUMBER' })
  t.same(read('(500) 200-1234'), { ok: false, reason: 'notMobile', type: 'PERSONAL_NUMBER' })
  t.same(read('+1 533 200 1234'), { ok: false, reason: 'notMobile', type: 'PERSONAL_NUMBER' })
  t.same(read('+1 544 200 1234'), { ok: false, reason: 'notMobile', type: 'PERSONAL_NUMBER' })
  t.same(read('+1 600 200 1234'), { ok: false, reason: 'notMobile', type: 'VOIP' })
  const uk = (input: string) => normalizePhone(input, 'GB', ['GB'])
  t.same(uk('070 1234 5678'), { ok: false, reason: 'notMobile', type: 'PERSONAL_NUMBER' }, 'a UK personal number')
  t.same(uk('056 1234 5678'), { ok: false, reason: 'notMobile', type: 'VOIP' }, 'a UK VoIP-only range')
})

t.test('where a number may be a landline or a mobile, or the type is unknown, it is accepted', async (t) => {
  // North American ranges mix landlines and mobiles: FIXED_LINE_OR_MOBILE, so a text may reach it.
  t.same(read('+1 617 253 1000'), { ok: true, phone: '+16172531000', country: 'US' })
})
