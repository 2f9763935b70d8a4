// The conversations table: the numbered menu a phone was last shown (TOPICS, SUB, MORE), so that a number answers it.
import { deleteBatch, type Db } from '../database.js'

/** The topics a phone was shown, numbered from `first` in order; `keys[i]` is number `first + i`. */
export interface Menu {
  first: number
  keys: string[]
}

/** The most numbers a conversation keeps: past it, MORE drops the oldest (their numbers stop working). */
export const MENU_LIMIT = 60

/** The phone's menu, unless it has expired (or there is none). */
export async function openMenu(db: Db, phone: string, now: Date): Promise<Menu | undefined> {
  const row = await db.selectFrom('conversations').select(['menu', 'expires_at']).where('phone', '=', phone).executeTakeFirst()
  if (row === undefined || row.expires_at <= now.toISOString()) return undefined
  return readMenu(row.menu)
}

/** The stored JSON, checked: a row that is not a menu (written by hand, say) is no conversation. */
function readMenu(json: string): Menu | undefined {
  try {
    const value = JSON.parse(json) as Partial<Menu>
    if (Number.isInteger(value.first) && Array.isArray(value.keys) && value.keys.every((k) => typeof k === 'string')) return value as Menu
  } catch {
    // Not JSON: no conversation.
  }
  return undefined
}

/** Starts or continues the phone's conversation with this menu, until `expiresAt`. */
export async function saveMenu(db: Db, phone: string, menu: Menu, expiresAt: Date): Promise<void> {
  const values = { menu: JSON.stringify(menu), expires_at: expiresAt.toISOString() }
  await db
    .insertInto('conversations')
    .values({ phone, ...values })
    .onConflict((oc) => oc.column('phone').doUpdateSet(values))
    .execute()
}

/** Ends the phone's conversation (a carrier keyword always does). */
export async function endConversation(db: Db, phone: string): Promise<void> {
  await db.deleteFrom('conversations').where('phone', '=', phone).execute()
}

/** Deletes up to `limit` conversations that expired before `now`; returns how many. */
export async function pruneConversations(db: Db, now: Date, limit: number): Promise<number> {
  return deleteBatch(db, 'conversations', 'phone', { column: 'expires_at', bound: now.toISOString(), inclusive: true }, limit)
}
