// The operator_actions table: who did what as an operator (console, API, CLI), append-only.
import type { Db } from '../database.js'

/** Who acts: a console operator's profile id, or the bearer-token API, or the command line. */
export type Actor = { profileId: string } | 'api' | 'cli'

export function actorName(actor: Actor): string {
  return typeof actor === 'string' ? actor : actor.profileId
}

export interface OperatorAction {
  at: string
  actor: string
  action: string
  target: string
  detail: string | null
}

/** Records one action; called in the same transaction as the change, by the action that made it. */
export async function recordOperatorAction(
  db: Db,
  actor: Actor,
  action: string,
  target: string,
  detail: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('operator_actions')
    .values({ at: now.toISOString(), actor: actorName(actor), action, target, detail: detail?.slice(0, 200) ?? null })
    .execute()
}

/** The latest actions, newest first. */
export async function latestOperatorActions(db: Db, limit: number): Promise<OperatorAction[]> {
  return db
    .selectFrom('operator_actions')
    .select(['at', 'actor', 'action', 'target', 'detail'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
