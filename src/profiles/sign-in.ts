// Signs a browser in with a phone it just proved it owns: the profile, the phone's link to it, and a fresh session.
import { recordConsent } from '../consent/queries.js'
import { serialize, type Db } from '../database.js'
import { emitEvents, eventTargets, type SmsbotEvent } from '../events/queries.js'
import { linkPhoneToProfile, phoneLock, verifiedPhoneOf, type Unlinked } from '../phones/queries.js'
import type { Profile } from '../schema.js'
import { createProfile, createSession, findProfile, pruneSessions, renameProfile, revokeSession, revokeSessionsOf } from './queries.js'

export interface SignIn {
  phone: string
  /** The profile of the browser's current session, if it has one. */
  profileId: string | undefined
  /** The browser's current session, replaced by a fresh one (no session fixation). */
  sessionId: string | undefined
  displayName: string | undefined
  now: Date
  sessionDays: number
  /** How the phone proved itself, for the consent record: a code typed on the form, or a link texted to it. */
  method: 'code' | 'link'
}

/**
 * Links a verified phone to the signed-in profile (or a new one) and starts a new session. A profile has one
 * verified phone (a new one replaces the old); a phone verified by another profile moves here, and that profile's
 * sessions are revoked, so it can no longer see the phone. When the signed-in profile's phone changes, its other
 * sessions are revoked too: a session cookie planted in the browser cannot give anyone else the new phone. The
 * events say so in the same transaction: each link that ended (phone.unlinked), then the new one (phone.verified).
 */
export async function signInWithPhone(db: Db, signIn: SignIn): Promise<{ profileId: string; sessionId: string }> {
  const { phone, now } = signIn
  // The phone, and the signed-in profile: two phones verified at once under one profile must not both stay linked to it.
  const keys = signIn.profileId === undefined ? [phoneLock(phone)] : [phoneLock(phone), `profile:${signIn.profileId}`]
  return serialize(db, keys, async (trx) => {
    const existing = signIn.profileId === undefined ? undefined : await findProfile(trx, signIn.profileId)
    const profileId = existing?.id ?? (await createProfile(trx, signIn.displayName, now))
    if (existing !== undefined && signIn.displayName !== undefined) await renameProfile(trx, profileId, signIn.displayName)
    if (existing !== undefined && (await verifiedPhoneOf(trx, profileId))?.phone !== phone) await revokeSessionsOf(trx, profileId, now)
    const unlinked = await linkPhoneToProfile(trx, phone, profileId, now)
    await recordConsent(trx, { phone, action: 'verify', source: 'web', detail: signIn.method }, now)
    const previousOwner = unlinked.find((u) => u.phone === phone)?.profileId
    if (previousOwner !== undefined) await revokeSessionsOf(trx, previousOwner, now)
    await emitEvents(trx, await linkEvents(trx, phone, profileId, unlinked, signIn.method), now)
    if (signIn.sessionId !== undefined) await revokeSession(trx, signIn.sessionId, now)
    await pruneSessions(trx, now)
    return { profileId, sessionId: await createSession(trx, profileId, now, signIn.sessionDays) }
  })
}

/** What a sign-in tells: each link that ended, then the new one; each with the profile's subject and e-mail when it has them. */
async function linkEvents(
  db: Db,
  phone: string,
  profileId: string,
  unlinked: Unlinked[],
  method: SignIn['method'],
): Promise<SmsbotEvent[]> {
  const { webhook, auth0 } = eventTargets(db)
  if (!webhook && !auth0) return []
  const events: SmsbotEvent[] = []
  for (const link of unlinked) {
    const { subject } = identityOf(await findProfile(db, link.profileId))
    events.push({ type: 'phone.unlinked', data: { phone: link.phone, profileId: link.profileId, ...subject } })
  }
  const { subject, email } = identityOf(await findProfile(db, profileId))
  events.push({ type: 'phone.verified', data: { phone, profileId, ...subject, ...email, method } })
  return events
}

/** A profile's subject and e-mail as an event's optional keys: absent when the profile has none. */
function identityOf(profile: Profile | undefined): { subject: { subject?: string }; email: { email?: string } } {
  return {
    subject: profile?.subject == null ? {} : { subject: profile.subject },
    email: profile?.email == null ? {} : { email: profile.email },
  }
}
