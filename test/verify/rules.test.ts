// OTP rules with an injected clock: expiry at the boundary, attempts, lockout and roll-over, cooldown, hourly limits.
import t from 'tap'
import { createConfig } from '../../src/config.js'
import {
  codeMessage,
  decideCheck,
  decideSend,
  generateCode,
  hashCode,
  hashesMatch,
  lockedUntil,
  type OtpHistory,
} from '../../src/verify/rules.js'

const otp = createConfig({}).otp
const SECRET = 's'.repeat(32)
const PHONE = '+16175550123'
const t0 = new Date('2026-11-23T12:00:00.000Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

function history(changes: Partial<OtpHistory> = {}): OtpHistory {
  return { now: t0, lastSentAt: undefined, sendsLastHourByPhone: 0, sendsLastHourByIp: 0, failuresLastDay: [], ...changes }
}

t.test('codes: digits from the random source, keyed hashes bound to the phone, constant-time match', async (t) => {
  t.equal(
    generateCode(4, () => 0),
    '0000',
    'leading zeros are kept',
  )
  let i = 0
  t.equal(
    generateCode(6, () => i++ % 10),
    '012345',
  )
  t.match(generateCode(10), /^\d{10}$/)
  const hash = hashCode(SECRET, PHONE, '1234')
  t.match(hash, /^[0-9a-f]{64}$/)
  t.not(hash, hashCode(SECRET, '+16175550199', '1234'), 'same code, other phone: other hash')
  t.not(hash, hashCode('t'.repeat(32), PHONE, '1234'), 'other secret: other hash')
  t.ok(hashesMatch(hash, hashCode(SECRET, PHONE, '1234')))
  t.notOk(hashesMatch(hash, hashCode(SECRET, PHONE, '1235')))
  t.notOk(hashesMatch(hash, 'abcd'), 'different lengths never match')
})

t.test('the SMS carries the WebOTP line only for an https PUBLIC_URL', async (t) => {
  t.equal(codeMessage('4821', undefined), 'Your smsbot code is 4821')
  t.equal(codeMessage('4821', new URL('http://localhost:3000')), 'Your smsbot code is 4821')
  t.equal(codeMessage('4821', new URL('https://abc123.ngrok-free.app')), 'Your smsbot code is 4821\n\n@abc123.ngrok-free.app #4821')
})

t.test('expiry: valid until the last millisecond, refused exactly at expires_at', async (t) => {
  const stored = { code_hash: hashCode(SECRET, PHONE, '1234'), expires_at: at(600).toISOString(), attempts: 0, consumed_at: null }
  const right = hashCode(SECRET, PHONE, '1234')
  t.same(decideCheck(otp, new Date(at(600).getTime() - 1), stored, right, []), { ok: true })
  t.same(decideCheck(otp, at(600), stored, right, []), { ok: false, reason: 'expired' })
})

t.test('attempts per code: tries left count down, then the code is dead even for the right code', async (t) => {
  const right = hashCode(SECRET, PHONE, '1234')
  const wrong = hashCode(SECRET, PHONE, '9999')
  const stored = { code_hash: right, expires_at: at(600).toISOString(), attempts: 0, consumed_at: null }
  for (let attempts = 0; attempts < otp.maxAttempts; attempts++) {
    t.same(decideCheck(otp, t0, { ...stored, attempts }, wrong, []), {
      ok: false,
      reason: 'wrong',
      triesLeft: otp.maxAttempts - attempts - 1,
    })
  }
  t.same(decideCheck(otp, t0, { ...stored, attempts: otp.maxAttempts }, right, []), { ok: false, reason: 'tooManyAttempts' })
})

t.test('a consumed or missing code is refused', async (t) => {
  const right = hashCode(SECRET, PHONE, '1234')
  t.same(decideCheck(otp, t0, undefined, right, []), { ok: false, reason: 'noCode' })
  t.same(
    decideCheck(otp, t0, { code_hash: right, expires_at: at(600).toISOString(), attempts: 0, consumed_at: t0.toISOString() }, right, []),
    { ok: false, reason: 'noCode' },
  )
})

t.test('24 h lockout after 10 failures, lifting when enough failures roll out of the window', async (t) => {
  const failures = Array.from({ length: 10 }, (_, i) => at(i * 60))
  t.equal(lockedUntil(otp, { failuresLastDay: failures.slice(0, 9) }), undefined, '9 failures: not locked')
  t.same(
    lockedUntil(otp, { failuresLastDay: failures }),
    new Date(t0.getTime() + 86_400_000),
    '10th failure locks until the first leaves the window',
  )
  const eleven = [...failures, at(700)]
  t.same(
    lockedUntil(otp, { failuresLastDay: eleven }),
    new Date(at(60).getTime() + 86_400_000),
    'with 11, the lock lasts until the second leaves',
  )
  const right = hashCode(SECRET, PHONE, '1234')
  const stored = { code_hash: right, expires_at: at(600).toISOString(), attempts: 0, consumed_at: null }
  t.match(
    decideCheck(otp, at(800), stored, right, failures),
    { ok: false, reason: 'locked' },
    'even the right code is refused while locked',
  )
  t.match(decideSend(otp, history({ failuresLastDay: failures })), { ok: false, reason: 'locked' }, 'no new code while locked')
})

t.test('resend cooldown, codes per hour per phone and per IP', async (t) => {
  t.same(decideSend(otp, history()), { ok: true })
  t.same(decideSend(otp, history({ lastSentAt: at(-10) })), { ok: false, reason: 'cooldown', waitSeconds: 20 })
  t.same(decideSend(otp, history({ lastSentAt: at(-29.5) })), { ok: false, reason: 'cooldown', waitSeconds: 1 })
  t.same(decideSend(otp, history({ lastSentAt: at(-30) })), { ok: true }, 'exactly 30 s later is fine')
  t.match(decideSend(otp, history({ lastSentAt: at(-300), sendsLastHourByPhone: 5 })), { ok: false, reason: 'phoneHourly' })
  t.same(decideSend(otp, history({ lastSentAt: at(-300), sendsLastHourByPhone: 4 })), { ok: true })
  t.same(decideSend(otp, history({ sendsLastHourByIp: 10 })), { ok: false, reason: 'ipHourly' })
})
