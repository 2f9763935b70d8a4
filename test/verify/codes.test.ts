// sendCode / checkCode / linkVerifiedPhone on a real SQLite file, time moved by an injected clock.
import t from 'tap'
import { createConfig } from '../../src/config.js'
import { SendError } from '../../src/sender/sender.js'
import { checkCode, sendCode, type VerifyContext } from '../../src/verify/codes.js'
import { recordingSender, SESSION_SECRET, testClock, testDb, type RecordingSender, type TapT, type TestClock } from '../helpers.js'

const PHONE = '+16175550123'
const OTHER = '+16175550199'
const IP = '203.0.113.7'

/** A random source that yields the digits of these codes in turn (and then again from the first). */
function codes(...values: string[]): (max: number) => number {
  const digits = values.join('').split('').map(Number)
  let i = 0
  return () => digits[i++ % digits.length] as number
}

async function setup(
  t: TapT,
  env: Record<string, string> = {},
  random?: (max: number) => number,
): Promise<VerifyContext & { sender: RecordingSender; clock: TestClock }> {
  return {
    db: await testDb(t),
    sender: recordingSender(),
    clock: testClock(),
    otp: createConfig(env).otp,
    secret: SESSION_SECRET,
    publicUrl: undefined,
    random,
  }
}
const lastCode = (sender: RecordingSender) => /code is (\d+)/.exec(sender.sent.at(-1)?.body ?? '')?.[1] as string
const wrongFor = (code: string) => (code === '0000' ? '1111' : '0000')

t.test('a sent code is stored only as a hash, with created_at and expires_at, and works once', async (t) => {
  const ctx = await setup(t)
  t.same(await sendCode(ctx, PHONE, IP), { ok: true })
  const code = lastCode(ctx.sender)
  t.match(code, /^\d{4}$/)
  t.equal(ctx.sender.sent[0]?.sensitive, true, 'marked sensitive so no log shows it')
  const row = await ctx.db.selectFrom('otp_codes').selectAll().executeTakeFirstOrThrow()
  t.equal(row.created_at, '2026-11-23T12:00:00.000Z')
  t.equal(row.expires_at, '2026-11-23T12:10:00.000Z')
  t.notMatch(JSON.stringify(row), new RegExp(`"${code}"`), 'the code itself is not stored')
  t.same(await checkCode(ctx, PHONE, code, IP), { ok: true })
  t.same(await checkCode(ctx, PHONE, code, IP), { ok: false, reason: 'noCode' }, 'a consumed code cannot be reused')
})

t.test('a new code replaces the pending one', async (t) => {
  const ctx = await setup(t, {}, codes('1234', '5678'))
  await sendCode(ctx, PHONE, IP)
  t.equal(lastCode(ctx.sender), '1234')
  ctx.clock.advance(30_000)
  await sendCode(ctx, PHONE, IP)
  t.equal(lastCode(ctx.sender), '5678')
  t.same(await checkCode(ctx, PHONE, '1234', IP), { ok: false, reason: 'wrong', triesLeft: 4 }, 'the old code no longer works')
  t.same(await checkCode(ctx, PHONE, '5678', IP), { ok: true })
})

t.test('codes come from the injected random source, leading zeros kept', async (t) => {
  const ctx = await setup(t, { OTP_LENGTH: '6' }, codes('007007'))
  await sendCode(ctx, PHONE, IP)
  t.equal(lastCode(ctx.sender), '007007')
})

t.test('a code checked against another phone is refused', async (t) => {
  const ctx = await setup(t)
  await sendCode(ctx, OTHER, IP)
  const otherCode = lastCode(ctx.sender)
  t.same(await checkCode(ctx, PHONE, otherCode, IP), { ok: false, reason: 'noCode' }, 'this phone has no code')
  await sendCode(ctx, PHONE, IP)
  // Codes are hashed with their phone, so even the same digits stored for OTHER cannot verify PHONE.
  const row = await ctx.db.selectFrom('otp_codes').select('code_hash').where('phone', '=', OTHER).executeTakeFirstOrThrow()
  await ctx.db.updateTable('otp_codes').set({ code_hash: row.code_hash }).where('phone', '=', PHONE).execute()
  t.match(await checkCode(ctx, PHONE, otherCode, IP), { ok: false, reason: 'wrong' })
  t.same(await checkCode(ctx, OTHER, otherCode, IP), { ok: true }, 'it still works for its own phone')
})

t.test('expiry is enforced with the clock', async (t) => {
  const ctx = await setup(t, { OTP_TTL_SECONDS: '60' })
  await sendCode(ctx, PHONE, IP)
  ctx.clock.advance(60_000)
  t.same(await checkCode(ctx, PHONE, lastCode(ctx.sender), IP), { ok: false, reason: 'expired' })
})

t.test('wrong guesses count down and then kill the code', async (t) => {
  const ctx = await setup(t)
  await sendCode(ctx, PHONE, IP)
  const code = lastCode(ctx.sender)
  for (let left = 4; left >= 0; left--)
    t.same(await checkCode(ctx, PHONE, wrongFor(code), IP), { ok: false, reason: 'wrong', triesLeft: left })
  t.same(await checkCode(ctx, PHONE, code, IP), { ok: false, reason: 'tooManyAttempts' })
})

t.test('10 failures in 24 h lock the phone; the lock rolls over with the window', async (t) => {
  const ctx = await setup(t)
  for (let round = 0; round < 2; round++) {
    await sendCode(ctx, PHONE, IP)
    const code = lastCode(ctx.sender)
    for (let i = 0; i < 5; i++) await checkCode(ctx, PHONE, wrongFor(code), IP)
    ctx.clock.advance(60_000)
  }
  const refused = await sendCode(ctx, PHONE, IP)
  t.match(refused, { ok: false, reason: 'locked' })
  t.same((refused as { until: Date }).until, new Date('2026-11-24T12:00:00.000Z'), 'until the first failure is 24 h old')
  ctx.clock.set('2026-11-24T12:00:00.001Z')
  t.same(await sendCode(ctx, PHONE, IP), { ok: true }, 'a day later the phone may try again')
})

t.test('hourly limits per phone and per IP, with the resend cooldown between', async (t) => {
  const ctx = await setup(t)
  t.same(await sendCode(ctx, PHONE, IP), { ok: true })
  t.same(await sendCode(ctx, PHONE, IP), { ok: false, reason: 'cooldown', waitSeconds: 30 })
  for (let i = 0; i < 4; i++) {
    ctx.clock.advance(30_000)
    t.same(await sendCode(ctx, PHONE, IP), { ok: true })
  }
  ctx.clock.advance(30_000)
  t.match(await sendCode(ctx, PHONE, IP), { ok: false, reason: 'phoneHourly' }, 'the 6th code in an hour is refused')
  ctx.clock.advance(3_600_000)
  t.same(await sendCode(ctx, PHONE, IP), { ok: true }, 'an hour later it is allowed again')

  const byIp = await setup(t)
  for (let i = 0; i < 10; i++) t.same(await sendCode(byIp, `+1617555${String(1000 + i)}`, IP), { ok: true })
  t.same(await sendCode(byIp, '+16175552000', IP), { ok: false, reason: 'ipHourly' })
  t.same(await sendCode(byIp, '+16175552000', '198.51.100.1'), { ok: true }, 'another IP is not affected')
})

t.test('a failed send leaves no usable code behind', async (t) => {
  const ctx = await setup(t)
  ctx.sender.failNext(new SendError('Twilio is down', true, 503))
  t.same(await sendCode(ctx, PHONE, IP), { ok: false, reason: 'sendFailed' })
  t.same(await ctx.db.selectFrom('otp_codes').selectAll().execute(), [])
})
