// The Auth0 write-back against a local fake tenant: one cached token, refreshed when it expires or is refused, the
// current phone (or null) in app_metadata, 429 and 5xx retried, any other refusal failed with Auth0's message.
import t from 'tap'
import type { Db } from '../../src/database.js'
import { createEventDeliverer } from '../../src/event-deliverer.js'
import { createAuth0Writer } from '../../src/events/auth0.js'
import { emitEvent, setEventTargets } from '../../src/events/queries.js'
import { linkPhoneToProfile } from '../../src/phones/queries.js'
import { profileForUser } from '../../src/profiles/queries.js'
import type { EventRow } from '../../src/schema.js'
import { DATABASES, memoryLogger, testClock, testDbOf, type DatabaseKind, type TapT } from '../helpers.js'
import { CLIENT_ID, CLIENT_SECRET, DOMAIN, startFakeAuth0 } from './fake-auth0.js'
import { drive, eventRow } from './setup.js'

const ALICE = 'auth0|alice'
const BOB = 'google-oauth2|bob'
const P1 = '+16175550101'
const P2 = '+16175550102'

async function setup(t: TapT, database: DatabaseKind = 'sqlite') {
  const fake = await startFakeAuth0()
  t.teardown(() => fake.close())
  const { db } = await testDbOf(t, database)
  t.teardown(() => db.destroy())
  setEventTargets(db, { webhook: false, auth0: true })
  const clock = testClock()
  const { logger, lines } = memoryLogger()
  const deliverer = createEventDeliverer({
    db,
    clock,
    logger,
    events: undefined,
    auth0: { domain: DOMAIN, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, managementUrl: new URL(fake.url) },
  })
  deliverer.start()
  t.teardown(() => deliverer.stop())
  const profileOf = (subject: string) => profileForUser(db, { issuer: `https://${DOMAIN}/`, subject, email: null, name: null }, clock.now())
  /** The write-back a change of `subject`'s phone leaves (as phone.verified or phone.unlinked emits it). */
  const writeBack = async (subject: string): Promise<EventRow> => {
    const profileId = await profileOf(subject)
    await emitEvent(db, { type: 'phone.unlinked', data: { phone: P1, profileId, subject } }, clock.now())
    return db.selectFrom('events').selectAll().orderBy('created_at', 'desc').orderBy('id').executeTakeFirstOrThrow()
  }
  const settled = (db: Db, id: string) => async () => ['delivered', 'failed'].includes((await eventRow(db, id)).status)
  return { fake, db, clock, lines, profileOf, writeBack, settled }
}

for (const database of DATABASES) {
  t.test(`${database}: two write-backs, one token; each PATCH carries the phone the profile has now, or null`, async (t) => {
    const { fake, db, clock, lines, profileOf, settled } = await setup(t, database)
    const alice = await profileOf(ALICE)
    await linkPhoneToProfile(db, P1, alice, clock.now())
    await emitEvent(db, { type: 'phone.verified', data: { phone: P1, profileId: alice, subject: ALICE, method: 'code' } }, clock.now())
    // Before it is delivered, Alice verifies another phone: the write-back says what is true when it runs.
    await linkPhoneToProfile(db, P2, alice, clock.now())
    const bob = await profileOf(BOB)
    await emitEvent(db, { type: 'phone.unlinked', data: { phone: P1, profileId: bob, subject: BOB } }, clock.now())
    const rows = await db.selectFrom('events').selectAll().execute()
    t.same(
      rows.map((r) => [r.target, r.type, JSON.parse(r.data) as unknown]),
      [
        ['auth0', 'auth0.phone', { subject: ALICE }],
        ['auth0', 'auth0.phone', { subject: BOB }],
      ],
    )
    for (const row of rows) await drive(clock, settled(db, row.id), `the write-back of ${row.id}`)

    t.equal(fake.tokens, 1, 'one token for both')
    t.same(fake.refusedTokens, [], 'asked with the client credentials and the Management API audience')
    t.same(
      fake.patches.map((p) => [p.path, p.body]).sort(),
      [
        ['/api/v2/users/auth0%7Calice', { app_metadata: { phone: P2 } }],
        ['/api/v2/users/google-oauth2%7Cbob', { app_metadata: { phone: null } }],
      ],
      'the subject URL-encoded; the current phone, and null for a profile without one',
    )
    for (const row of rows) t.match(await eventRow(db, row.id), { status: 'delivered', attempts: 1 })
    t.notOk(
      lines.some((line) => /617555010[12]/.test(line)),
      'no full phone number in the log',
    )
  })
}

t.test('a token is used until it expires (less a margin), then fetched again', async (t) => {
  const { fake, db, clock, writeBack, settled } = await setup(t)
  fake.tokenLifetime = 120
  await drive(clock, settled(db, (await writeBack(ALICE)).id), 'the first write-back')
  clock.advance(50_000)
  await drive(clock, settled(db, (await writeBack(BOB)).id), 'a write-back before the token expires')
  t.equal(fake.tokens, 1, 'the cached token, 50 s into its 120')
  clock.advance(61_000)
  await drive(clock, settled(db, (await writeBack(ALICE)).id), 'a write-back after it expired')
  t.equal(fake.tokens, 2, 'a new token once the cached one is within a minute of expiring')
  t.same(
    fake.patches.map((p) => p.token),
    ['token-1', 'token-1', 'token-2'],
  )
})

t.test('a token Auth0 refuses (401) is replaced once; a second 401 fails the write-back', async (t) => {
  const { fake, db, clock, writeBack, settled } = await setup(t)
  await drive(clock, settled(db, (await writeBack(ALICE)).id), 'the first write-back')
  fake.revokeTokens()
  const refreshed = await writeBack(BOB)
  await drive(clock, settled(db, refreshed.id), 'a write-back with a revoked token')
  t.match(await eventRow(db, refreshed.id), { status: 'delivered', attempts: 1 }, 'delivered in the same attempt')
  t.equal(fake.unauthorized, 1)
  t.equal(fake.tokens, 2, 'one new token')

  fake.patchAnswer = () => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Bad audience: https://elsewhere/' } })
  const refused = await writeBack(ALICE)
  await drive(clock, settled(db, refused.id), 'a write-back refused twice')
  t.match(await eventRow(db, refused.id), {
    status: 'failed',
    attempts: 1,
    last_error: 'Auth0 answered 401: Bad audience: https://elsewhere/',
  })
  t.equal(fake.tokens, 3, 'refreshed once, not again')
})

t.test('429 is retried after its Retry-After, 5xx and a failing token endpoint with backoff; another 4xx fails at once', async (t) => {
  const { fake, db, clock, writeBack, settled } = await setup(t)
  fake.patchAnswer = (_patch, nth) =>
    nth === 1
      ? {
          status: 429,
          body: { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached' },
          headers: { 'retry-after': '30' },
        }
      : undefined
  const limited = await writeBack(ALICE)
  await drive(clock, async () => (await eventRow(db, limited.id)).attempts === 1, 'the rate-limited attempt')
  const waiting = await eventRow(db, limited.id)
  t.match(waiting, { status: 'queued', last_error: 'Auth0 answered 429: Global limit has been reached' })
  t.ok(Date.parse(waiting.next_attempt_at) - Date.parse(waiting.updated_at) >= 30_000, 'not before Retry-After')
  await drive(clock, settled(db, limited.id), 'the retry')
  t.match(await eventRow(db, limited.id), { status: 'delivered', attempts: 2 })

  fake.patchAnswer = (_patch, nth) => (nth === 1 ? { status: 503, body: 'upstream busy' } : undefined)
  const busy = await writeBack(BOB)
  await drive(clock, async () => (await eventRow(db, busy.id)).attempts === 1, 'the 503 attempt')
  t.match(await eventRow(db, busy.id), { status: 'queued', last_error: 'Auth0 answered 503: upstream busy' })
  await drive(clock, settled(db, busy.id), 'its retry')
  t.match(await eventRow(db, busy.id), { status: 'delivered', attempts: 2 })

  fake.revokeTokens()
  fake.tokenFailures.push(500)
  fake.patchAnswer = () => undefined
  const tokenless = await writeBack(ALICE)
  await drive(clock, async () => (await eventRow(db, tokenless.id)).attempts === 1, 'an attempt without a token')
  t.match(await eventRow(db, tokenless.id), {
    status: 'queued',
    last_error: 'Auth0 token endpoint answered 500: The token service is resting',
  })
  await drive(clock, settled(db, tokenless.id), 'its retry')
  t.match(await eventRow(db, tokenless.id), { status: 'delivered', attempts: 2 })

  fake.patchAnswer = () => ({
    status: 400,
    body: { statusCode: 400, error: 'Bad Request', message: 'Payload validation error', errorCode: 'invalid_body' },
  })
  const invalid = await writeBack(BOB)
  await drive(clock, settled(db, invalid.id), 'the refused write-back')
  t.match(await eventRow(db, invalid.id), { status: 'failed', attempts: 1, last_error: 'Auth0 answered 400: Payload validation error' })
})

t.test('Auth0 out of reach: retried, and failed once its 24 hours are over', async (t) => {
  const { fake, db, clock, writeBack } = await setup(t)
  await fake.close()
  const row = await writeBack(ALICE)
  await drive(clock, async () => (await eventRow(db, row.id)).attempts === 1, 'the first attempt')
  t.match(await eventRow(db, row.id), { status: 'queued', last_error: /^Auth0 token: fetch failed: ECONNREFUSED/ })
  clock.advance(24 * 3_600_000)
  await drive(clock, async () => (await eventRow(db, row.id)).attempts === 2, 'an attempt past the deadline')
  t.match(await eventRow(db, row.id), { status: 'failed', attempts: 2 })
})

t.test('a phone that changed while Auth0 was written is written again: out-of-order writes still end on the truth', async (t) => {
  const fake = await startFakeAuth0()
  t.teardown(() => fake.close())
  // The phone is P1 when the write reads it, and P2 by the time Auth0 answered (another verification committed meanwhile).
  const phones = [P1, P2, P2, P2]
  const writer = createAuth0Writer({
    config: { domain: DOMAIN, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, managementUrl: new URL(fake.url) },
    clock: testClock(),
    currentPhone: async () => phones.shift() ?? P2,
  })
  const row = { data: JSON.stringify({ subject: ALICE }) } as EventRow
  const first = await writer.write(row)
  t.match(first, { outcome: 'retry', error: /phone changed/ }, 'not delivered: what Auth0 holds may be stale')
  t.same(await writer.write(row), { outcome: 'delivered' }, 'the next attempt writes the phone as it is, and it stands')
  t.same(
    fake.patches.map((p) => p.body),
    [{ app_metadata: { phone: P1 } }, { app_metadata: { phone: P2 } }],
  )
})
