// signInWithPhone on a real SQLite file: new profiles, one phone per profile, phones moving, fresh sessions.
import t from 'tap'
import { findProfile, sessionProfile } from '../../src/profiles/queries.js'
import { signInWithPhone } from '../../src/profiles/sign-in.js'
import { DATABASES, testClock, testDb, testDbOf } from '../helpers.js'

const PHONE = '+16175550123'
const OTHER = '+16175550199'

t.test('new profile, replacement of the old phone, moving a phone between profiles, fresh sessions', async (t) => {
  const db = await testDb(t)
  const now = testClock().now()
  const base = { now, sessionDays: 30, sessionId: undefined, method: 'code' as const }
  const phonesNow = () => db.selectFrom('phones').select(['phone', 'profile_id', 'verified_at']).orderBy('phone').execute()

  const ada = await signInWithPhone(db, { ...base, phone: PHONE, profileId: undefined, displayName: 'Ada' })
  t.match(ada.profileId, /^[\w-]{21}$/)
  t.same(
    await db.selectFrom('profiles').select(['id', 'display_name']).execute(),
    [{ id: ada.profileId, display_name: 'Ada' }],
    'exactly one profile, the one returned',
  )
  t.equal(await sessionProfile(db, ada.sessionId, now), ada.profileId, 'the new session belongs to it')

  const again = await signInWithPhone(db, {
    ...base,
    phone: OTHER,
    profileId: ada.profileId,
    sessionId: ada.sessionId,
    displayName: undefined,
  })
  t.equal(again.profileId, ada.profileId, 'the signed-in profile is kept')
  t.not(again.sessionId, ada.sessionId, 'with a new session id')
  t.equal(await sessionProfile(db, ada.sessionId, now), undefined, 'the old session id is revoked')
  t.same(
    await phonesNow(),
    [
      { phone: PHONE, profile_id: null, verified_at: null },
      { phone: OTHER, profile_id: ada.profileId, verified_at: now.toISOString() },
    ],
    'one verified phone per profile: the new one replaced the old',
  )

  const grace = await signInWithPhone(db, { ...base, phone: OTHER, profileId: undefined, displayName: 'Grace' })
  t.not(grace.profileId, ada.profileId)
  t.equal((await findProfile(db, grace.profileId))?.display_name, 'Grace')
  t.same((await phonesNow()).find((p) => p.phone === OTHER)?.profile_id, grace.profileId, 'the phone moved to the new profile')
  t.equal(await sessionProfile(db, again.sessionId, now), undefined, 'the profile that lost the phone lost its sessions')

  const unknown = await signInWithPhone(db, { ...base, phone: PHONE, profileId: 'gone-profile-id', displayName: undefined })
  t.not(unknown.profileId, 'gone-profile-id', 'an unknown profile id gets a new profile')
  t.equal(
    await db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
    3,
  )
})

t.test('each verification is one consent record, with how the phone proved itself', async (t) => {
  const db = await testDb(t)
  const now = testClock().now()
  const { consentRecords } = await import('../../src/consent/queries.js')
  await signInWithPhone(db, {
    now,
    sessionDays: 30,
    sessionId: undefined,
    phone: PHONE,
    profileId: undefined,
    displayName: undefined,
    method: 'code',
  })
  await signInWithPhone(db, {
    now,
    sessionDays: 30,
    sessionId: undefined,
    phone: PHONE,
    profileId: undefined,
    displayName: undefined,
    method: 'link',
  })
  t.same(await consentRecords(db, PHONE), [
    { at: now.toISOString(), action: 'verify', source: 'web', topic: null, detail: 'code' },
    { at: now.toISOString(), action: 'verify', source: 'web', topic: null, detail: 'link' },
  ])
})

for (const database of DATABASES) {
  t.test(`${database}: two phones verified at once under one profile: it keeps exactly one (the profile is locked too)`, async (t) => {
    const { db } = await testDbOf(t, database)
    const now = testClock().now()
    const base = { now, sessionDays: 30, sessionId: undefined, method: 'code' as const, displayName: undefined }
    const { profileId } = await signInWithPhone(db, { ...base, phone: '+16175550100', profileId: undefined })
    for (let round = 0; round < 5; round++) {
      // No live session left to revoke (whose row lock would otherwise serialise the sign-ins by accident).
      await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).execute()
      const phones = [`+161755501${round}1`, `+161755501${round}2`, `+161755501${round}3`]
      await Promise.all(phones.map((phone) => signInWithPhone(db, { ...base, phone, profileId })))
      const linked = await db.selectFrom('phones').select('phone').where('profile_id', '=', profileId).execute()
      t.equal(linked.length, 1, `round ${round}: one verified phone`)
    }
  })
}
