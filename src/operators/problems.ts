// Operator-facing problems, one code and one sentence each, and the readers of what operators type: the API answers
// with them and the CLI prints them.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { MAX_BODY } from '../copy/segments.js'
import { oneLine, stripControls } from '../text/control.js'

/** Why an operator's request was refused: the body of the API's answer, and the line the CLI prints. */
export interface Problem {
  error: string
  message: string
}

/** An action's refusal: the problem, and the HTTP status the API answers it with. */
export interface Refused {
  ok: false
  status: 400 | 404 | 409
  problem: Problem
}

/** What an operator action returns: its result, or why it refused. */
export type Result<T> = { ok: true; value: T } | Refused

export const refuse = (status: Refused['status'], problem: Problem): Refused => ({ ok: false, status, problem })

/** How far ahead a notification may be scheduled: Twilio's own limit for a scheduled message. */
export const MAX_SCHEDULE_DAYS = 35

export const problems = {
  apiDisabled: { error: 'api_disabled', message: 'The operator API is off: set ADMIN_TOKEN to enable it.' },
  unauthorized: { error: 'unauthorized', message: 'Send Authorization: Bearer <ADMIN_TOKEN>.' },
  invalidKey: {
    error: 'invalid_key',
    message: 'A topic key is 1 to 64 letters, digits, -, _ or ., starting and ending with a letter or digit.',
  },
  invalidTitle: { error: 'invalid_title', message: 'The title must not be blank.' },
  titleOnlyControls: {
    error: 'invalid_title',
    message: 'The title holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
  },
  emptyBody: { error: 'empty_body', message: 'The notification text is empty.' },
  bodyOnlyControls: {
    error: 'empty_body',
    message:
      'The notification text holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
  },
  bodyTooLong: (length: number): Problem => ({
    error: 'body_too_long',
    message: `The notification text is ${length} characters; the most is ${MAX_BODY}.`,
  }),
  noSuchTopic: (key: string): Problem => ({ error: 'no_such_topic', message: `There is no open topic ${key}.` }),
  noSuchNotification: (id: string | number): Problem => ({ error: 'no_such_notification', message: `There is no notification ${id}.` }),
  invalidTime: (field: string, value: string): Problem => ({
    error: 'invalid_time',
    message:
      `${field} must be an ISO 8601 time with its offset, such as 2026-12-01T09:00:00-05:00 or 2026-12-01T14:00:00Z ` +
      `(got "${value.slice(0, 40)}").`,
  }),
  sendAtTooFar: (sendAt: string): Problem => ({
    error: 'send_at_too_far',
    message: `sendAt (${sendAt}) is more than ${MAX_SCHEDULE_DAYS} days ahead, the most Twilio schedules: publish it nearer the time.`,
  }),
  expiresInPast: (expiresAt: string): Problem => ({
    error: 'expires_in_past',
    message: `expiresAt (${expiresAt}) has already passed: nothing could be sent.`,
  }),
  expiresBeforeSend: (sendAt: string, expiresAt: string): Problem => ({
    error: 'expires_before_send',
    message: `expiresAt (${expiresAt}) must be after sendAt (${sendAt}).`,
  }),
  invalidPhone: (phone: string): Problem => ({
    error: 'invalid_phone',
    message: `"${phone.slice(0, 40)}" is not a phone number; give it in E.164 form, such as +16175550123.`,
  }),
  noSuchPhone: (phone: string): Problem => ({
    error: 'no_such_phone',
    message: `smsbot has never heard from or texted ${phone}: it has no record of it.`,
  }),
  missingSubject: {
    error: 'missing_subject',
    message: "Give the identity provider's user id: /api/profiles?subject=<sub>.",
  },
  noSuchProfile: (subject: string): Problem => ({
    error: 'no_such_profile',
    message: `No profile has the subject "${oneLine(subject).slice(0, 80)}": that user never signed in here.`,
  }),
} as const

/** A date and time with its offset (or Z): a bare date or a time without a zone would be read in the server's zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i

/** Reads an ISO 8601 time; undefined when it is not one. */
export function readIsoTime(value: string): Date | undefined {
  const text = value.trim()
  if (!ISO_TIME.test(text)) return undefined
  // Date.parse rolls 30 February over into March: the date must be one the calendar has.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number]
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/**
 * Reads a notification's optional sendAt and expiresAt, or says why they cannot be used: each must be an ISO 8601
 * time; sendAt at most MAX_SCHEDULE_DAYS ahead; expiresAt must be in the future and after sendAt. A sendAt in the
 * past means at once.
 */
export function readSchedule(
  sendAt: string | undefined,
  expiresAt: string | undefined,
  now: Date,
): { ok: true; sendAt?: Date; expiresAt?: Date } | { ok: false; problem: Problem } {
  const send = sendAt === undefined ? undefined : readIsoTime(sendAt)
  if (sendAt !== undefined && send === undefined) return { ok: false, problem: problems.invalidTime('sendAt', sendAt) }
  if (send !== undefined && send.getTime() - now.getTime() > MAX_SCHEDULE_DAYS * 86_400_000)
    return { ok: false, problem: problems.sendAtTooFar(send.toISOString()) }
  const expires = expiresAt === undefined ? undefined : readIsoTime(expiresAt)
  if (expiresAt !== undefined && expires === undefined) return { ok: false, problem: problems.invalidTime('expiresAt', expiresAt) }
  if (expires !== undefined && expires.getTime() <= now.getTime())
    return { ok: false, problem: problems.expiresInPast(expires.toISOString()) }
  if (expires !== undefined && send !== undefined && expires.getTime() <= send.getTime()) {
    return { ok: false, problem: problems.expiresBeforeSend(send.toISOString(), expires.toISOString()) }
  }
  return { ok: true, ...(send === undefined ? {} : { sendAt: send }), ...(expires === undefined ? {} : { expiresAt: expires }) }
}

/** Why a notification text (already trimmed) cannot be sent, if it cannot. */
export function bodyProblem(text: string): Problem | undefined {
  if (text === '') return problems.emptyBody
  if (text.length > MAX_BODY) return problems.bodyTooLong(text.length)
  return undefined
}

export type Checked<K extends string> = ({ ok: true } & Record<K, string>) | { ok: false; problem: Problem }

/**
 * A notification text as it is stored: without control characters (tab and line breaks kept), trimmed; or why it
 * cannot be sent. A text that held nothing else is refused as empty, saying so.
 */
export function readBody(text: string): Checked<'body'> {
  const body = stripControls(text).trim()
  if (body === '' && text.trim() !== '') return { ok: false, problem: problems.bodyOnlyControls }
  const problem = bodyProblem(body)
  return problem === undefined ? { ok: true, body } : { ok: false, problem }
}

/** A phone number as operators give it (any possible number), in E.164 form; or why it is not one. */
export function readPhone(text: string): Checked<'phone'> {
  const parsed = parsePhoneNumberFromString(text.trim())
  if (parsed === undefined || !parsed.isPossible()) return { ok: false, problem: problems.invalidPhone(text) }
  return { ok: true, phone: parsed.number }
}

/** A topic title as it is stored: one line without control characters (line breaks become spaces); or why not. */
export function readTitle(text: string): Checked<'title'> {
  const title = oneLine(text)
  if (title !== '') return { ok: true, title }
  return {
    ok: false,
    problem: stripControls(text).trim() === '' && text.trim() !== '' ? problems.titleOnlyControls : problems.invalidTitle,
  }
}
