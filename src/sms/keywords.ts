// Which words an operator may answer with a fixed reply, and how long a reply may be: one check for the API and the CLI.
import type { Problem } from '../notify/problems.js'
import { normalizeKeyword } from '../keywords/queries.js'
import { reservedAs } from './parse.js'
import { segmentsOf } from './segments.js'
import { stripControls } from '../text/control.js'

/** One word, as the parser reads a first word: a letter, then letters, digits, - or _ (a number answers a menu). */
export const KEYWORD = /^\p{L}[\p{L}\p{N}_-]{0,31}$/u

/** Twilio's limit for one message body. */
export const MAX_KEYWORD_REPLY = 1600

export const keywordProblems = {
  invalidKeyword: { error: 'invalid_keyword', message: 'A keyword is one word of 1 to 32 letters, digits, - or _, starting with a letter, e.g. HOURS.' },
  command: (word: string): Problem => ({ error: 'reserved_keyword', message: `${word} is a built-in command, so it cannot be a keyword.` }),
  carrier: (word: string): Problem => ({
    error: 'reserved_keyword',
    message: `${word} is a carrier keyword (opt-out, opt-in or help): it must always do what carriers expect, so it cannot be a keyword.`,
  }),
  emptyReply: { error: 'empty_reply', message: 'The reply is empty.' },
  replyOnlyControls: { error: 'empty_reply', message: 'The reply holds nothing but control characters (escape sequences and the like), which are removed: give it some text.' },
  replyTooLong: (length: number): Problem => ({ error: 'reply_too_long', message: `The reply is ${length} characters; the most is ${MAX_KEYWORD_REPLY}.` }),
  noSuchKeyword: (word: string): Problem => ({ error: 'no_such_keyword', message: `There is no keyword ${word}.` }),
} as const

export type KeywordCheck =
  | { ok: true; word: string; reply: string; segments: number }
  | { ok: false; status: 400 | 409; problem: Problem }

/**
 * The keyword as stored (upper case) and its reply (without control characters but tab and line breaks, trimmed)
 * with its segment count, or why it is refused.
 */
export function checkKeyword(word: string, reply: string): KeywordCheck {
  const key = normalizeKeyword(word)
  if (!KEYWORD.test(key)) return { ok: false, status: 400, problem: keywordProblems.invalidKeyword }
  const reserved = reservedAs(key)
  if (reserved !== undefined) return { ok: false, status: 409, problem: keywordProblems[reserved](key) }
  const text = stripControls(reply).trim()
  if (text === '') return { ok: false, status: 400, problem: reply.trim() === '' ? keywordProblems.emptyReply : keywordProblems.replyOnlyControls }
  if (text.length > MAX_KEYWORD_REPLY) return { ok: false, status: 400, problem: keywordProblems.replyTooLong(text.length) }
  return { ok: true, word: key, reply: text, segments: segmentsOf(text) }
}
