// One-time code rules, pure: generating, hashing, comparing codes, and deciding what a send or a check may do.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { DAY, HOUR } from '../clock.js'
import type { OtpConfig } from '../config.js'
import { DEFAULT_LANGUAGE, type Language } from '../language.js'
import { smsCopy } from '../copy/index.js'

/** The longest window any rule here counts events in (failed checks per 24 h): an older event never changes a decision. */
export const LONGEST_WINDOW_MS = DAY

/** A code of `length` digits from a cryptographic source; leading zeros count. */
export function generateCode(length: number, random: (max: number) => number = randomInt): string {
  let code = ''
  for (let i = 0; i < length; i++) code += String(random(10))
  return code
}

/** Only this keyed hash is stored; binding the phone means a hash is worthless for any other number. */
export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex')
}

export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && timingSafeEqual(left, right)
}

/** What the database knows about a phone's recent verification activity, for the rules below. */
export interface OtpHistory {
  now: Date
  /** When the phone's last code was sent, if any in the last hour. */
  lastSentAt: Date | undefined
  sendsLastHourByPhone: number
  sendsLastHourByIp: number
  /** Failed checks of this phone in the last 24 h, oldest first. */
  failuresLastDay: Date[]
}

export type SendDecision =
  | { ok: true }
  | { ok: false; reason: 'locked'; until: Date }
  | { ok: false; reason: 'cooldown'; waitSeconds: number }
  | { ok: false; reason: 'phoneHourly'; retryAt: Date }
  | { ok: false; reason: 'ipHourly' }

/** The phone stays locked until enough failures have left the 24 h window to fall under the limit. */
export function lockedUntil(config: OtpConfig, history: Pick<OtpHistory, 'failuresLastDay'>): Date | undefined {
  const failures = history.failuresLastDay
  if (failures.length < config.maxFailuresPerDay) return undefined
  const pivot = failures[failures.length - config.maxFailuresPerDay] as Date
  return new Date(pivot.getTime() + DAY)
}

export function decideSend(config: OtpConfig, history: OtpHistory): SendDecision {
  const until = lockedUntil(config, history)
  if (until !== undefined) return { ok: false, reason: 'locked', until }
  if (history.lastSentAt !== undefined) {
    const readyAt = history.lastSentAt.getTime() + config.resendSeconds * 1000
    if (history.now.getTime() < readyAt) {
      return { ok: false, reason: 'cooldown', waitSeconds: Math.ceil((readyAt - history.now.getTime()) / 1000) }
    }
  }
  if (history.sendsLastHourByPhone >= config.maxSendsPerHour) {
    return { ok: false, reason: 'phoneHourly', retryAt: new Date(history.now.getTime() + HOUR) }
  }
  if (history.sendsLastHourByIp >= config.maxSendsPerIpPerHour) return { ok: false, reason: 'ipHourly' }
  return { ok: true }
}

export interface StoredCode {
  code_hash: string
  expires_at: string
  attempts: number
  consumed_at: string | null
}

export type CheckDecision =
  | { ok: true }
  | { ok: false; reason: 'locked'; until: Date }
  | { ok: false; reason: 'noCode' }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'tooManyAttempts' }
  | { ok: false; reason: 'wrong'; triesLeft: number }
  | { ok: false; reason: 'ipFailures' }

/**
 * Decides a check of `candidateHash` against the phone's stored code. A code is valid while now < expires_at;
 * a wrong guess that uses the last try kills the code.
 */
export function decideCheck(
  config: OtpConfig,
  now: Date,
  stored: StoredCode | undefined,
  candidateHash: string,
  failuresLastDay: Date[],
): CheckDecision {
  const until = lockedUntil(config, { failuresLastDay })
  if (until !== undefined) return { ok: false, reason: 'locked', until }
  if (stored === undefined || stored.consumed_at !== null) return { ok: false, reason: 'noCode' }
  if (now.getTime() >= new Date(stored.expires_at).getTime()) return { ok: false, reason: 'expired' }
  if (stored.attempts >= config.maxAttempts) return { ok: false, reason: 'tooManyAttempts' }
  if (hashesMatch(stored.code_hash, candidateHash)) return { ok: true }
  return { ok: false, reason: 'wrong', triesLeft: config.maxAttempts - stored.attempts - 1 }
}

/** The SMS that carries a code, in the phone's language; the WebOTP line lets supporting phones hand the code to the page. */
export function codeMessage(code: string, publicUrl: URL | undefined, language: Language = DEFAULT_LANGUAGE): string {
  const text = smsCopy[language].code(code)
  return publicUrl?.protocol === 'https:' ? `${text}\n\n@${publicUrl.host} #${code}` : text
}
