// Who is an operator (console/access.ts): a verified phone in OPERATOR_PHONES, or a provider-verified e-mail in OPERATOR_EMAILS.
import t from 'tap'
import { consoleEnabled, operatorBy } from '../../src/console/access.js'

const list = { phones: ['+16175550123'], emails: ['ops@example.org'] }
const none = { phone: undefined, email: null, issuer: null }

t.test('the console is on when either list names someone', async (t) => {
  t.notOk(consoleEnabled(undefined))
  t.notOk(consoleEnabled({ phones: [], emails: [] }))
  t.ok(consoleEnabled({ phones: ['+16175550123'], emails: [] }))
  t.ok(consoleEnabled({ phones: [], emails: ['ops@example.org'] }))
})

t.test('a verified phone in OPERATOR_PHONES', async (t) => {
  t.equal(operatorBy({ ...none, phone: '+16175550123' }, list), 'phone')
  t.equal(operatorBy({ ...none, phone: '+16175550199' }, list), undefined, 'another phone')
  t.equal(operatorBy(none, list), undefined, 'no verified phone')
})

t.test('an e-mail counts only when the identity provider vouched for it', async (t) => {
  t.equal(operatorBy({ ...none, email: 'ops@example.org', issuer: 'https://id.example.org' }, list), 'email')
  t.equal(operatorBy({ ...none, email: 'Ops@Example.ORG', issuer: 'https://id.example.org' }, list), 'email', 'compared in lower case')
  t.equal(operatorBy({ ...none, email: 'ops@example.org', issuer: null }, list), undefined, 'no issuer: never vouched for')
  t.equal(operatorBy({ ...none, email: 'other@example.org', issuer: 'https://id.example.org' }, list), undefined)
  t.equal(operatorBy({ ...none, email: '', issuer: 'https://id.example.org' }, { phones: [], emails: [''] }), undefined, 'blank')
  t.equal(
    operatorBy({ phone: '+16175550123', email: 'ops@example.org', issuer: 'https://id.example.org' }, list),
    'phone',
    'the phone is checked first',
  )
})
