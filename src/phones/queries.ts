// The phones table: first contact, carrier opt-out, numbers Twilio called invalid, the verified link to a profile, own settings.
import { compiledOnce } from '../compiled-once.js'
import type { Db } from '../database.js'
import { isLanguage, type Language } from '../language.js'
import { recordConsent, type ConsentVia } from '../consent/queries.js'
import { readStoredQuietHours, storedQuietHours, type QuietSetting } from './settings.js'

/** The serialisation key for everything that must happen one at a time per phone (see `serialize`). */
export function phoneLock(phone: string): string {
  return `phone:${phone}`
}

/** Records a phone the first time it is seen (true then); later calls change nothing and return false. */
export async function rememberPhone(db: Db, phone: string, now: Date): Promise<boolean> {
  const inserted = await insertPhone(db, { phone, firstSeenAt: now.toISOString() })
  return inserted.rows.length > 0
}

const insertPhone = compiledOnce(['phone', 'firstSeenAt'], (db, v: { phone: string; firstSeenAt: string }) =>
  db
    .insertInto('phones')
    .values({ phone: v.phone, first_seen_at: v.firstSeenAt, opted_out_at: null, profile_id: null, verified_at: null })
    .onConflict((oc) => oc.column('phone').doNothing())
    .returning('phone'),
)

/**
 * Opts a phone out (a carrier keyword, or Twilio's error 21610) or back in, and records it in the consent record:
 * every keyword is recorded, even one that changes nothing (it is what the person said). `via` defaults to SMS.
 */
export async function setOptedOut(db: Db, phone: string, optedOut: boolean, now: Date, via: ConsentVia = { source: 'sms' }): Promise<void> {
  await rememberPhone(db, phone, now)
  await db
    .updateTable('phones')
    .set({ opted_out_at: optedOut ? now.toISOString() : null })
    .where('phone', '=', phone)
    .execute()
  await recordConsent(db, { phone, action: optedOut ? 'opt_out' : 'opt_in', ...via }, now)
}

export async function isOptedOut(db: Db, phone: string): Promise<boolean> {
  const row = await db.selectFrom('phones').select('opted_out_at').where('phone', '=', phone).executeTakeFirst()
  return row?.opted_out_at != null
}

/** The language a phone chose (LANG ES, LANG EN), or undefined when it never chose (or was never seen). */
export async function phoneLanguage(db: Db, phone: string): Promise<Language | undefined> {
  const row = await db.selectFrom('phones').select('language').where('phone', '=', phone).executeTakeFirst()
  return isLanguage(row?.language) ? row.language : undefined
}

export async function setLanguage(db: Db, phone: string, language: Language, now: Date): Promise<void> {
  await rememberPhone(db, phone, now)
  await db.updateTable('phones').set({ language }).where('phone', '=', phone).execute()
}

/**
 * How a first subscription's confirmation reaches the phone. `reply`: inside the reply to the phone's own text (SMS),
 * written in the same transaction as the subscription, so it goes back whether or not the phone opted out (the reply
 * then also says how to opt back in). `text`: a text of its own, sent after the subscription's commit (the web),
 * never to an opted-out phone (its confirmation then comes with a subscription after START); `send` resolves false
 * when the text did not go out, and the next subscription tries again.
 */
export type FirstConfirmation = { via: 'reply' } | { via: 'text'; send: () => Promise<boolean> }

export interface Welcome {
  /** This subscription is the phone's first ever, and it is confirmed (in the reply, or by the text that went out). */
  first: boolean
  optedOut: boolean
}

/**
 * CTIA's opt-in confirmation, for SMS and the web alike: the first subscription a phone ever makes is confirmed once
 * with the program identity and how to stop. The phone is marked welcomed by one conditional update, so two
 * simultaneous first subscriptions (by text, on the web, or both) cannot both be first; whether the phone is opted
 * out is read by the same statement when it is first. A text that did not go out takes its mark back (only its own:
 * a later mark stands).
 */
export async function confirmFirstSubscription(db: Db, phone: string, now: Date, confirmation: FirstConfirmation): Promise<Welcome> {
  const at = now.toISOString()
  const [marked] = (await (confirmation.via === 'text' ? markWelcomedUnlessOptedOut : markWelcomed)(db, { phone, at })).rows
  if (marked === undefined) return { first: false, optedOut: await isOptedOut(db, phone) }
  if (confirmation.via === 'text' && !(await confirmation.send())) {
    await db.updateTable('phones').set({ welcomed_at: null }).where('phone', '=', phone).where('welcomed_at', '=', at).execute()
    return { first: false, optedOut: false }
  }
  return { first: true, optedOut: marked.opted_out_at !== null }
}

/** The first-subscription mark (see confirmFirstSubscription), and whether the phone is opted out. */
const welcomeMark = (db: Db, v: { phone: string; at: string }) =>
  db.updateTable('phones').set({ welcomed_at: v.at }).where('phone', '=', v.phone).where('welcomed_at', 'is', null)
const markWelcomed = compiledOnce(['phone', 'at'], (db, v: { phone: string; at: string }) => welcomeMark(db, v).returning('opted_out_at'))
/** By text, only a phone that is not opted out: no confirmation goes to a phone that said STOP. */
const markWelcomedUnlessOptedOut = compiledOnce(['phone', 'at'], (db, v: { phone: string; at: string }) =>
  welcomeMark(db, v).where('opted_out_at', 'is', null).returning('opted_out_at'),
)

/** Twilio said the number cannot receive SMS (not a mobile, not a valid number): notifications skip it. */
export async function markInvalid(db: Db, phone: string, now: Date): Promise<void> {
  await db.updateTable('phones').set({ invalid_at: now.toISOString() }).where('phone', '=', phone).execute()
}

/** Phones that must get no notification (opted out, or invalid), as a subquery for a fan-out. */
export function unreachablePhones(db: Db) {
  return db
    .selectFrom('phones')
    .select('phones.phone')
    .where((eb) => eb.or([eb('phones.opted_out_at', 'is not', null), eb('phones.invalid_at', 'is not', null)]))
}

export interface VerifiedPhone {
  phone: string
  verifiedAt: string
  optedOut: boolean
}

/** The phone verified by a profile, if it still has one (a phone verified elsewhere later moves away). */
export async function verifiedPhoneOf(db: Db, profileId: string): Promise<VerifiedPhone | undefined> {
  const row = await db
    .selectFrom('phones')
    .select(['phone', 'verified_at', 'opted_out_at'])
    .where('profile_id', '=', profileId)
    .where('verified_at', 'is not', null)
    .executeTakeFirst()
  return row === undefined ? undefined : { phone: row.phone, verifiedAt: row.verified_at as string, optedOut: row.opted_out_at !== null }
}

/** Who lost a phone when another was linked: the profile a phone was taken from, or the profile's own earlier phone. */
export interface Unlinked {
  phone: string
  profileId: string
}

/**
 * Makes `phone` the one verified phone of `profileId`: the profile's previous phone is unlinked, and the phone is
 * taken from any other profile. Returns the links that ended: the profile's previous phone, and the phone's previous
 * profile when it was another one.
 */
export async function linkPhoneToProfile(db: Db, phone: string, profileId: string, now: Date): Promise<Unlinked[]> {
  await rememberPhone(db, phone, now)
  const before = await db.selectFrom('phones').select('profile_id').where('phone', '=', phone).executeTakeFirstOrThrow()
  const replaced = await db
    .updateTable('phones')
    .set({ profile_id: null, verified_at: null })
    .where('profile_id', '=', profileId)
    .where('phone', '!=', phone)
    .returning('phone')
    .execute()
  await db.updateTable('phones').set({ profile_id: profileId, verified_at: now.toISOString() }).where('phone', '=', phone).execute()
  const unlinked = replaced.map((r) => ({ phone: r.phone, profileId }))
  if (before.profile_id !== null && before.profile_id !== profileId) unlinked.push({ phone, profileId: before.profile_id })
  return unlinked
}

/** A phone as the lookup API shows it (GET /api/phones/:phone): its verification, consent, language and profile. */
export interface PhoneRecord {
  phone: string
  verifiedAt: string | null
  optedOut: boolean
  language: Language | null
  profileId: string | null
}

/** What smsbot knows of a phone; undefined for a phone it never saw. */
export async function phoneRecord(db: Db, phone: string): Promise<PhoneRecord | undefined> {
  const row = await db
    .selectFrom('phones')
    .select(['phone', 'verified_at', 'opted_out_at', 'language', 'profile_id'])
    .where('phone', '=', phone)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    phone: row.phone,
    verifiedAt: row.verified_at,
    optedOut: row.opted_out_at !== null,
    language: isLanguage(row.language) ? row.language : null,
    profileId: row.profile_id,
  }
}

export interface PhoneSettings {
  /** The phone's quiet hours: the deployment's (`default`), `off`, or its own window. */
  quietHours: QuietSetting
  /** The IANA zone the texter chose, or null: the zones of the number. */
  timeZone: string | null
  optedOut: boolean
  /** The language it chose (LANG ES), undefined when it never chose: replies and notifications' framing. */
  language: Language | undefined
}

/** A phone's settings (the defaults for a phone never seen), and whether it opted out: what a send must respect. */
export async function phoneSettings(db: Db, phone: string): Promise<PhoneSettings> {
  return (await phoneSettingsOf(db, [phone])).get(phone) as PhoneSettings
}

/** The settings of each of these phones, read in one statement (the dispatcher's claimed batch); defaults for a phone never seen. */
export async function phoneSettingsOf(db: Db, phones: readonly string[]): Promise<Map<string, PhoneSettings>> {
  const rows =
    phones.length === 0
      ? []
      : await db
          .selectFrom('phones')
          .select(['phone', 'quiet_hours', 'time_zone', 'opted_out_at', 'language'])
          .where('phone', 'in', [...new Set(phones)])
          .execute()
  const found = new Map(rows.map((row) => [row.phone, row]))
  return new Map(
    phones.map((phone) => {
      const row = found.get(phone)
      const settings: PhoneSettings = {
        quietHours: readStoredQuietHours(row?.quiet_hours ?? null),
        timeZone: row?.time_zone ?? null,
        optedOut: row?.opted_out_at != null,
        language: isLanguage(row?.language) ? row.language : undefined,
      }
      return [phone, settings]
    }),
  )
}

/** Sets a phone's quiet hours (see parseQuietHours): `default` follows QUIET_HOURS again. */
export async function setQuietHours(db: Db, phone: string, setting: QuietSetting, now: Date): Promise<void> {
  await rememberPhone(db, phone, now)
  await db
    .updateTable('phones')
    .set({ quiet_hours: storedQuietHours(setting) })
    .where('phone', '=', phone)
    .execute()
}

/** Sets a phone's time zone (an IANA name, see parseTimeZone); null goes back to the zones of the number. */
export async function setTimeZone(db: Db, phone: string, zone: string | null, now: Date): Promise<void> {
  await rememberPhone(db, phone, now)
  await db.updateTable('phones').set({ time_zone: zone }).where('phone', '=', phone).execute()
}
