// The lookup API (SPEC §12): a phone with its subscriptions and profile, a profile by its subject with its phone; 400, 404, the token.
import t from 'tap'
import { profileForUser } from '../../src/profiles/queries.js'
import { signInWithPhone } from '../../src/profiles/sign-in.js'
import { buildTestApp, DATABASES, text, type DatabaseKind, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${ADMIN}` }
const ADA = '+16175550301'
const GRACE = '+16175550302'

async function setup(t: TapT, database: DatabaseKind = 'sqlite') {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN }, database })
  const get = (url: string, headers: Record<string, string> = auth) => test.app.inject({ method: 'GET', url, headers })
  for (const [key, title] of [
    ['CS1', 'Fundies'],
    ['CS2', 'Discrete'],
    ['OLD', 'Closed'],
  ])
    await test.app.inject({ method: 'PUT', url: `/api/topics/${key}`, headers: auth, payload: { title } })
  return { ...test, get }
}

for (const database of DATABASES) {
  t.test(
    `${database}: GET /api/phones/:phone and GET /api/profiles?subject=: a phone, its topics and profile; a profile and its phone`,
    async (t) => {
      const { app, db, clock, get } = await setup(t, database)
      for (const topic of ['CS2', 'CS1', 'OLD']) await text(app, `SUB ${topic}`, { From: ADA })
      await app.inject({ method: 'DELETE', url: '/api/topics/OLD', headers: auth })
      await text(app, 'LANG ES', { From: ADA })
      const now = clock.now()
      const profileId = await profileForUser(
        db,
        { issuer: 'https://team.example/', subject: 'auth0|ada', email: 'ada@example.com', name: 'Ada' },
        now,
      )
      await signInWithPhone(db, {
        phone: ADA,
        profileId,
        sessionId: undefined,
        displayName: undefined,
        now,
        sessionDays: 30,
        method: 'code',
      })

      const phone = {
        phone: ADA,
        verifiedAt: now.toISOString(),
        optedOut: false,
        language: 'es',
        subscriptions: ['CS1', 'CS2'],
        profile: { id: profileId, subject: 'auth0|ada', email: 'ada@example.com' },
      }
      const found = await get(`/api/phones/${encodeURIComponent(ADA)}`)
      t.equal(found.statusCode, 200)
      t.same(found.json(), phone, 'the open topics it follows, by key; the profile it is verified for')
      t.same((await get('/api/phones/+1%20(617)%20555-0301')).json(), phone, 'the number read as /api/phones/:phone/consent reads it')

      const profile = await get('/api/profiles?subject=auth0%7Cada')
      t.equal(profile.statusCode, 200)
      t.same(profile.json(), { id: profileId, subject: 'auth0|ada', email: 'ada@example.com', name: 'Ada', phone })

      await text(app, 'STOP', { From: GRACE })
      t.same(
        (await get(`/api/phones/${encodeURIComponent(GRACE)}`)).json(),
        { phone: GRACE, verifiedAt: null, optedOut: true, language: null, subscriptions: [], profile: null },
        'a phone seen by SMS only: no verification, no profile',
      )

      const grace = await profileForUser(db, { issuer: 'https://team.example/', subject: 'auth0|grace', email: null, name: null }, now)
      t.same(
        (await get('/api/profiles?subject=auth0%7Cgrace')).json(),
        { id: grace, subject: 'auth0|grace', email: null, name: null, phone: null },
        'a profile without a verified phone',
      )
    },
  )
}

t.test('404 with a reason for an unknown phone or subject; 400 for a malformed phone or a missing subject', async (t) => {
  const { get } = await setup(t)
  const unknown = await get('/api/phones/%2B16175550399')
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), { error: 'no_such_phone', message: 'smsbot has never heard from or texted +16175550399: it has no record of it.' })
  const malformed = await get('/api/phones/not-a-phone')
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { error: 'invalid_phone', message: /"not-a-phone" is not a phone number/ })

  const nobody = await get('/api/profiles?subject=auth0%7Cnobody')
  t.equal(nobody.statusCode, 404)
  t.same(nobody.json(), { error: 'no_such_profile', message: 'No profile has the subject "auth0|nobody": that user never signed in here.' })
  for (const url of ['/api/profiles', '/api/profiles?subject=', '/api/profiles?subject=%20']) {
    const missing = await get(url)
    t.equal(missing.statusCode, 400, url)
    t.match(missing.json(), { error: 'missing_subject', message: /subject=<sub>/ })
  }
})

t.test('both lookups want the bearer token', async (t) => {
  const { get } = await setup(t)
  for (const url of ['/api/phones/%2B16175550301', '/api/profiles?subject=auth0%7Cada']) {
    t.equal((await get(url, {})).statusCode, 401, url)
    t.equal((await get(url, { authorization: 'Bearer wrong' })).statusCode, 401, url)
  }
})
