// Operator keywords (/api/keywords, smsbot keywords): which words may get a fixed reply and how long it may be,
// checked here once for the API and the CLI; stored by keywords/queries.ts.
import { Type, type Static } from 'typebox'
import { MAX_BODY, segmentsOf } from '../copy/segments.js'
import { inTransaction } from '../database.js'
import * as keywords from '../keywords/queries.js'
import { recordOperatorAction } from './audit.js'
import { stripControls } from '../text/control.js'
import type { OperatorDeps, ReadDeps, ReservedWords } from './deps.js'
import { refuse, type Problem, type Refused, type Result } from './problems.js'

/** One word, as the parser reads a first word: a letter, then letters, digits, - or _ (a number answers a menu). */
export const KEYWORD = /^\p{L}[\p{L}\p{N}_-]{0,31}$/u

/** Twilio's limit for one message body. */
export const MAX_KEYWORD_REPLY = MAX_BODY

export const keywordProblems = {
  invalidKeyword: {
    error: 'invalid_keyword',
    message: 'A keyword is one word of 1 to 32 letters, digits, - or _, starting with a letter, e.g. HOURS.',
  },
  command: (word: string): Problem => ({ error: 'reserved_keyword', message: `${word} is a built-in command, so it cannot be a keyword.` }),
  carrier: (word: string): Problem => ({
    error: 'reserved_keyword',
    message: `${word} is a carrier keyword (opt-out, opt-in or help): it must always do what carriers expect, so it cannot be a keyword.`,
  }),
  emptyReply: { error: 'empty_reply', message: 'The reply is empty.' },
  replyOnlyControls: {
    error: 'empty_reply',
    message: 'The reply holds nothing but control characters (escape sequences and the like), which are removed: give it some text.',
  },
  replyTooLong: (length: number): Problem => ({
    error: 'reply_too_long',
    message: `The reply is ${length} characters; the most is ${MAX_KEYWORD_REPLY}.`,
  }),
  noSuchKeyword: (word: string): Problem => ({ error: 'no_such_keyword', message: `There is no keyword ${word}.` }),
} as const

export const KeywordRequest = Type.Object({ reply: Type.String({ maxLength: 10_000 }) })

export const KeywordReply = Type.Object({ word: Type.String(), reply: Type.String(), segments: Type.Integer() })
export type KeywordReply = Static<typeof KeywordReply>

export const KeywordsReply = Type.Object({
  keywords: Type.Array(Type.Object({ word: Type.String(), reply: Type.String(), segments: Type.Integer(), updatedAt: Type.String() })),
})
export type KeywordsReply = Static<typeof KeywordsReply>

export type KeywordCheck = ({ ok: true } & KeywordReply) | Refused

/**
 * The keyword as stored (upper case) and its reply (without control characters but tab and line breaks, trimmed)
 * with its segment count, or why it is refused: a word the SMS channel already answers (`reservedAs`) is a 409.
 */
export function checkKeyword(word: string, reply: string, reservedAs: ReservedWords): KeywordCheck {
  const key = keywords.normalizeKeyword(word)
  if (!KEYWORD.test(key)) return refuse(400, keywordProblems.invalidKeyword)
  const reserved = reservedAs(key)
  if (reserved !== undefined) return refuse(409, keywordProblems[reserved](key))
  const text = stripControls(reply).trim()
  if (text === '') return refuse(400, reply.trim() === '' ? keywordProblems.emptyReply : keywordProblems.replyOnlyControls)
  if (text.length > MAX_KEYWORD_REPLY) return refuse(400, keywordProblems.replyTooLong(text.length))
  return { ok: true, word: key, reply: text, segments: segmentsOf(text) }
}

/** Adds a keyword, or changes its reply. */
export async function saveKeyword(
  { db, clock, reservedAs, actor }: OperatorDeps,
  word: string,
  reply: string,
): Promise<Result<KeywordReply>> {
  const checked = checkKeyword(word, reply, reservedAs)
  if (!checked.ok) return checked
  const now = clock.now()
  await inTransaction(db, async (trx) => {
    await keywords.saveKeyword(trx, checked.word, checked.reply, now)
    await recordOperatorAction(trx, actor, 'keyword.set', checked.word, checked.reply, now)
  })
  return { ok: true, value: { word: checked.word, reply: checked.reply, segments: checked.segments } }
}

/** Every keyword with its reply's segment count. */
export async function listKeywords({ db }: ReadDeps): Promise<KeywordsReply> {
  return { keywords: (await keywords.listKeywords(db)).map((k) => ({ ...k, segments: segmentsOf(k.reply) })) }
}

/** Stops answering a word. */
export async function removeKeyword({ db, clock, actor }: OperatorDeps, word: string): Promise<Result<null>> {
  const now = clock.now()
  const removed = await inTransaction(db, async (trx) => {
    if (!(await keywords.removeKeyword(trx, word))) return false
    await recordOperatorAction(trx, actor, 'keyword.remove', keywords.normalizeKeyword(word), null, now)
    return true
  })
  if (!removed) return refuse(404, keywordProblems.noSuchKeyword(keywords.normalizeKeyword(word)))
  return { ok: true, value: null }
}
