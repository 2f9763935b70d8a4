// The keywords table: words an operator answers with a fixed reply (PUT /api/keywords/:word, smsbot keywords).
import type { Db } from '../database.js'

export interface Keyword {
  word: string
  reply: string
  updatedAt: string
}

/** Words are kept NFKC-normalised and upper case: they match as message bodies are matched (fullwidth ＨＯＵＲＳ is HOURS). */
export function normalizeKeyword(word: string): string {
  return word.normalize('NFKC').trim().toUpperCase()
}

/** Adds a keyword, or changes its reply. */
export async function saveKeyword(db: Db, word: string, reply: string, now: Date): Promise<Keyword> {
  const at = now.toISOString()
  const key = normalizeKeyword(word)
  await db
    .insertInto('keywords')
    .values({ word: key, reply, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('word').doUpdateSet({ reply, updated_at: at }))
    .execute()
  return { word: key, reply, updatedAt: at }
}

/** The reply to a word (any case), if an operator set one. */
export async function keywordReply(db: Db, word: string): Promise<string | undefined> {
  const row = await db.selectFrom('keywords').select('reply').where('word', '=', normalizeKeyword(word)).executeTakeFirst()
  return row?.reply
}

export async function listKeywords(db: Db): Promise<Keyword[]> {
  const rows = await db.selectFrom('keywords').select(['word', 'reply', 'updated_at']).orderBy('word').execute()
  return rows.map((r) => ({ word: r.word, reply: r.reply, updatedAt: r.updated_at }))
}

/** Returns false when there was no such keyword. */
export async function removeKeyword(db: Db, word: string): Promise<boolean> {
  const result = await db.deleteFrom('keywords').where('word', '=', normalizeKeyword(word)).executeTakeFirst()
  return result.numDeletedRows > 0n
}
