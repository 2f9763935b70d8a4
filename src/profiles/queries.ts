// The profiles and sessions tables: who a signed-in browser is, and sessions that can be revoked server-side.
import { nanoid } from 'nanoid'
import { DAY } from '../clock.js'
import { deleteBatch, type Db } from '../database.js'
import type { Profile } from '../schema.js'

export async function findProfile(db: Db, id: string): Promise<Profile | undefined> {
  return db.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function createProfile(db: Db, displayName: string | undefined, now: Date): Promise<string> {
  const id = nanoid()
  await db
    .insertInto('profiles')
    .values({ id, display_name: displayName ?? null, created_at: now.toISOString() })
    .execute()
  return id
}

/** The profile whose subject is `subject` (any issuer: a deployment has one provider), for the lookup API. */
export async function findProfileBySubjectOnly(db: Db, subject: string): Promise<Profile | undefined> {
  return db.selectFrom('profiles').selectAll().where('subject', '=', subject).orderBy('created_at').executeTakeFirst()
}

export interface ProviderUser {
  issuer: string
  subject: string
  email: string | null
  name: string | null
}

/**
 * The profile of a provider's user: created at the first sign-in, and given the e-mail and name the provider gives at
 * each. One statement (an upsert on the unique (issuer, subject)), so two first sign-ins at once make one profile.
 */
export async function profileForUser(db: Db, user: ProviderUser, now: Date): Promise<string> {
  const row = await db
    .insertInto('profiles')
    .values({
      id: nanoid(),
      display_name: user.name,
      created_at: now.toISOString(),
      issuer: user.issuer,
      subject: user.subject,
      email: user.email,
    })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doUpdateSet({ email: user.email, display_name: user.name }))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function renameProfile(db: Db, id: string, displayName: string): Promise<void> {
  await db.updateTable('profiles').set({ display_name: displayName }).where('id', '=', id).execute()
}

/** A new session for a profile; its random id is what the (signed) cookie carries. */
export async function createSession(db: Db, profileId: string, now: Date, days: number): Promise<string> {
  const id = nanoid(32)
  await db
    .insertInto('sessions')
    .values({
      id,
      profile_id: profileId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * DAY).toISOString(),
      revoked_at: null,
    })
    .execute()
  return id
}

/** The profile of a session that is neither revoked nor expired. */
export async function sessionProfile(db: Db, sessionId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('profile_id')
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst()
  return row?.profile_id
}

export async function revokeSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Revokes every session of a profile, e.g. when the phone it verified moves to another profile. */
export async function revokeSessionsOf(db: Db, profileId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('profile_id', '=', profileId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Deletes sessions that expired before `now` (revoked ones go when they would have expired); returns how many. */
export async function pruneSessions(db: Db, now: Date, limit = 500): Promise<number> {
  return deleteBatch(db, 'sessions', 'id', { column: 'expires_at', bound: now.toISOString(), inclusive: true }, limit)
}
