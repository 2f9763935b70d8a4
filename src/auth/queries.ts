// The oidc_logins table: each sign-in started at /auth/login, what its callback must check, claimed once by that callback.
import { MINUTE } from '../clock.js'
import { deleteBatch, type Db } from '../database.js'

/** How long a started sign-in waits for its callback. */
export const LOGIN_TTL_MS = 10 * MINUTE

/** Expired sign-ins deleted at each start: more than the one row a start adds, so the table stays bounded. */
const PRUNE_BATCH = 20

/** What the callback checks (state, nonce, the PKCE verifier) and where it sends the browser after. */
export interface PendingLogin {
  state: string
  nonce: string
  codeVerifier: string
  /** A path on this site (already checked), or null: the default page. */
  returnTo: string | null
}

/** Records a sign-in that starts now, and deletes a few that expired unclaimed. */
export async function startLogin(db: Db, login: PendingLogin, now: Date): Promise<void> {
  await pruneLogins(db, now, PRUNE_BATCH)
  await db
    .insertInto('oidc_logins')
    .values({
      state: login.state,
      nonce: login.nonce,
      code_verifier: login.codeVerifier,
      return_to: login.returnTo,
      expires_at: new Date(now.getTime() + LOGIN_TTL_MS).toISOString(),
      used_at: null,
    })
    .execute()
}

/**
 * Claims the sign-in of `state` for its one callback: one statement that marks it used only while it is unused and
 * unexpired, so of two callbacks with the same state (a replay, or two at once) exactly one gets the row.
 */
export async function claimLogin(db: Db, state: string, now: Date): Promise<PendingLogin | undefined> {
  const at = now.toISOString()
  const row = await db
    .updateTable('oidc_logins')
    .set({ used_at: at })
    .where('state', '=', state)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['state', 'nonce', 'code_verifier', 'return_to'])
    .executeTakeFirst()
  return row === undefined ? undefined : { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to }
}

/** Deletes up to `limit` sign-ins that expired (claimed or not); returns how many. */
export async function pruneLogins(db: Db, now: Date, limit = 500): Promise<number> {
  return deleteBatch(db, 'oidc_logins', 'state', { column: 'expires_at', bound: now.toISOString(), inclusive: true }, limit)
}
