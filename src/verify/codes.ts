// Sending and checking one-time codes: each decision and its write in one transaction, serialised per phone and IP.
import type { Clock } from '../clock.js'
import type { OtpConfig } from '../config.js'
import { serialize, type Db } from '../database.js'
import { phoneLock } from '../phones/queries.js'
import type { Language } from '../language.js'
import type { SmsSender } from '../sender/sender.js'
import {
  consumeCode,
  countWrongGuess,
  discardCode,
  failuresLastDay,
  failuresLastHourByIp,
  ipLock,
  loadHistory,
  pendingCode,
  recordEvent,
  storeCode,
} from './queries.js'
import { codeMessage, decideCheck, decideSend, generateCode, hashCode, type CheckDecision, type SendDecision } from './rules.js'

export interface VerifyContext {
  db: Db
  sender: SmsSender
  clock: Clock
  otp: OtpConfig
  secret: string
  publicUrl: URL | undefined
  /** A uniform integer below `max`; crypto.randomInt unless a test passes its own. */
  random?: ((max: number) => number) | undefined
}

export type SendResult = SendDecision | { ok: false; reason: 'sendFailed' }

/**
 * Sends a new code to a phone (E.164) unless a limit says no; the new code replaces any pending one. The limits are
 * decided and the code written in one transaction serialised per phone and per client address, and the SMS goes
 * out after the commit: simultaneous requests for one phone send one code. The SMS is in `language` (English when
 * unset).
 */
export async function sendCode(ctx: VerifyContext, phone: string, ip: string, language?: Language): Promise<SendResult> {
  const { otp, clock } = ctx
  const code = generateCode(otp.length, ctx.random)
  const codeHash = hashCode(ctx.secret, phone, code)
  const decision = await serialize(ctx.db, [phoneLock(phone), ipLock(ip)], async (trx): Promise<SendDecision> => {
    const now = clock.now()
    const decided = decideSend(otp, await loadHistory(trx, phone, ip, now))
    if (!decided.ok) return decided
    await storeCode(trx, phone, codeHash, now, otp.ttlSeconds)
    // A send counts against the limits even if Twilio then refuses it: that is what bounds SMS pumping.
    await recordEvent(trx, 'send', phone, ip, now)
    return decided
  })
  if (!decision.ok) return decision
  try {
    await ctx.sender.send({ to: phone, body: codeMessage(code, ctx.publicUrl, language), sensitive: true })
  } catch {
    // Leave no usable code behind a send that failed.
    await discardCode(ctx.db, phone, codeHash)
    return { ok: false, reason: 'sendFailed' }
  }
  return { ok: true }
}

/**
 * Checks a code for a phone; on success the code is consumed. A wrong guess is counted against the live code
 * atomically, so simultaneous guesses are judged one by one; a guess against a dead, expired or missing code is
 * refused without counting, so nobody can lock a phone out by guessing at a code that cannot succeed. One client
 * address gets at most OTP_MAX_FAILURES_PER_IP_PER_HOUR failures, so one client cannot lock out many phones.
 */
export async function checkCode(ctx: VerifyContext, phone: string, code: string, ip: string): Promise<CheckDecision> {
  const { otp, clock } = ctx
  const candidate = hashCode(ctx.secret, phone, code)
  return serialize(ctx.db, [phoneLock(phone), ipLock(ip)], async (trx): Promise<CheckDecision> => {
    const now = clock.now()
    if ((await failuresLastHourByIp(trx, ip, now)) >= otp.maxFailuresPerIpPerHour) return { ok: false, reason: 'ipFailures' }
    const decision = decideCheck(otp, now, await pendingCode(trx, phone), candidate, await failuresLastDay(trx, phone, now))
    if (decision.ok) return (await consumeCode(trx, phone, candidate, otp.maxAttempts, now)) ? decision : { ok: false, reason: 'noCode' }
    if (decision.reason !== 'wrong') return decision
    const used = await countWrongGuess(trx, phone, otp.maxAttempts, now)
    if (used === undefined) return { ok: false, reason: 'tooManyAttempts' }
    await recordEvent(trx, 'failure', phone, ip, now)
    return { ok: false, reason: 'wrong', triesLeft: otp.maxAttempts - used }
  })
}
