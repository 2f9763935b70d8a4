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
  t.same(NOT_MOBILE_TYPES, ['PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'UAN', 'VOICEMAIL', 'PAGER', 'FIXED_LINE'])
})

t.test('where a number may be a landline or a mobile, or the type is unknown, it is accepted', async (t) => {
  // North American ranges mix landlines and mobiles: FIXED_LINE_OR_MOBILE, so a text may reach it.
  t.same(read('+1 617 253 1000'), { ok: true, phone: '+16172531000', country: 'US' })
  t.same(read('+1 500 555 0100'), { ok: true, phone: '+15005550100', country: 'US' }, 'a personal number')
})
