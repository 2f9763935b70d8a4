// Phones and profiles as the team's application looks them up (GET /api/phones/:phone, GET /api/profiles?subject=).
import { Type, type Static } from 'typebox'
import type { Db } from '../database.js'
import { phoneRecord, verifiedPhoneOf } from '../phones/queries.js'
import { findProfile, findProfileBySubjectOnly } from '../profiles/queries.js'
import { listSubscriptions } from '../topics/queries.js'
import type { ReadDeps } from './deps.js'
import { problems, readPhone, refuse, type Result } from './problems.js'

const OrNull = Type.Union([Type.String(), Type.Null()])

export const PhoneReply = Type.Object({
  phone: Type.String(),
  /** When it was last verified on the web; null when it never was, or when it moved to no profile. */
  verifiedAt: OrNull,
  optedOut: Type.Boolean(),
  /** The language it chose (LANG ES), null while it never chose. */
  language: OrNull,
  /** The open topics it follows, by key. */
  subscriptions: Type.Array(Type.String()),
  /** The profile it is verified for. */
  profile: Type.Union([Type.Object({ id: Type.String(), subject: OrNull, email: OrNull }), Type.Null()]),
})
export type PhoneReply = Static<typeof PhoneReply>

export const ProfileReply = Type.Object({
  id: Type.String(),
  subject: OrNull,
  email: OrNull,
  name: OrNull,
  /** Its verified phone, as GET /api/phones/:phone shows it. */
  phone: Type.Union([PhoneReply, Type.Null()]),
})
export type ProfileReply = Static<typeof ProfileReply>

/** A phone as the lookup shows it; undefined for a phone smsbot never saw. */
async function phoneView(db: Db, phone: string): Promise<PhoneReply | undefined> {
  const found = await phoneRecord(db, phone)
  if (found === undefined) return undefined
  const [topics, profile] = await Promise.all([
    listSubscriptions(db, phone),
    found.profileId === null ? undefined : findProfile(db, found.profileId),
  ])
  return {
    phone: found.phone,
    verifiedAt: found.verifiedAt,
    optedOut: found.optedOut,
    language: found.language,
    subscriptions: topics.map((t) => t.key),
    profile: profile === undefined ? null : { id: profile.id, subject: profile.subject, email: profile.email },
  }
}

/** A phone (any possible number, read as /api/phones/:phone/consent reads it): 400 when it is not one, 404 when unknown. */
export async function lookUpPhone({ db }: ReadDeps, phone: string): Promise<Result<PhoneReply>> {
  const read = readPhone(phone)
  if (!read.ok) return refuse(400, read.problem)
  const view = await phoneView(db, read.phone)
  if (view === undefined) return refuse(404, problems.noSuchPhone(read.phone))
  return { ok: true, value: view }
}

/** The profile of an identity provider's user (its subject), with its verified phone. */
export async function lookUpProfile({ db }: ReadDeps, subject: string | undefined): Promise<Result<ProfileReply>> {
  if (subject === undefined || subject.trim() === '') return refuse(400, problems.missingSubject)
  const profile = await findProfileBySubjectOnly(db, subject)
  if (profile === undefined) return refuse(404, problems.noSuchProfile(subject))
  const verified = await verifiedPhoneOf(db, profile.id)
  const phone = verified === undefined ? undefined : await phoneView(db, verified.phone)
  return {
    ok: true,
    value: { id: profile.id, subject: profile.subject, email: profile.email, name: profile.display_name, phone: phone ?? null },
  }
}
