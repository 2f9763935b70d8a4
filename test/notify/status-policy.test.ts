// One failure policy for Twilio's REST answer and its status callback: 21610 opts out, 21211/21614 mark unreachable.
import t from 'tap'
import { sql } from 'kysely'
import { isPostgres } from '../../src/database.js'
import { backoffMs, decideCallbackFailure, decideFailure } from '../../src/notify/failure-policy.js'
import { claimDue, recordSent } from '../../src/notify/queries.js'
import { buildTestApp, DATABASES, postSigned, text, ACCOUNT_SID, type DatabaseKind, type TapT } from '../helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const auth = { authorization: `Bearer ${ADMIN}` }
const phone = (i: number) => `+1617555010${i}`
const sid = (i: number) => `SM${String(i).padStart(32, '0')}`

t.test('the policy: retry what may work later, fail what cannot, and say what the code means for the number', async (t) => {
  const half = () => 0.5
  t.same(decideFailure({ code: 20429, retryable: true, attempt: 1, maxAttempts: 3 }, half), {
    action: 'retry',
    delayMs: backoffMs(0, half),
  })
  t.same(
    decideFailure({ code: undefined, retryable: true, attempt: 2, maxAttempts: 3 }, half),
    { action: 'retry', delayMs: 3000 },
    'a network error, backoff doubling',
  )
  t.same(
    decideFailure({ code: 20503, retryable: true, attempt: 3, maxAttempts: 3 }, half),
    { action: 'fail', optOut: false, markInvalid: false },
    'the last attempt',
  )
  t.same(
    decideFailure({ code: 21610, retryable: true, attempt: 1, maxAttempts: 3 }, half),
    { action: 'fail', optOut: true, markInvalid: false },
    'the number opted out: final, whatever the transport said',
  )
  t.same(decideFailure({ code: 21211, retryable: false, attempt: 1, maxAttempts: 3 }, half), {
    action: 'fail',
    optOut: false,
    markInvalid: true,
  })
  t.same(decideFailure({ code: 21614, retryable: true, attempt: 1, maxAttempts: 3 }, half), {
    action: 'fail',
    optOut: false,
    markInvalid: true,
  })
  t.same(decideFailure({ code: 30003, retryable: false, attempt: 1, maxAttempts: 3 }, half), {
    action: 'fail',
    optOut: false,
    markInvalid: false,
  })
  t.same(decideCallbackFailure(21610), { action: 'fail', optOut: true, markInvalid: false }, 'a callback is final')
  t.same(decideCallbackFailure(21614), { action: 'fail', optOut: false, markInvalid: true })
  t.same(decideCallbackFailure(30007), { action: 'fail', optOut: false, markInvalid: false })
  t.same(decideCallbackFailure(null), { action: 'fail', optOut: false, markInvalid: false })
})

async function setup(t: TapT, database: DatabaseKind) {
  const test = await buildTestApp(t, { env: { ADMIN_TOKEN: ADMIN }, database })
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    test.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload }) })
  const status = (messageSid: string, MessageStatus: string, extra: Record<string, string> = {}) =>
    postSigned(test.app, { MessageSid: messageSid, MessageStatus, AccountSid: ACCOUNT_SID, ...extra }, { path: '/sms/status' })
  /** Publishes to CS1 and records a Twilio sid for every row, as the dispatcher would: SM…0 for phone(0), and so on (plus `base`). */
  const publishAndSend = async (body: string, base = 0) => {
    const published = (await api('POST', '/api/topics/CS1/notifications', { body })).json<{ id: number; recipients: number }>()
    const rows = (await claimDue(test.db, test.clock.now(), 30_000, 10)).sort((a, b) => a.phone.localeCompare(b.phone))
    for (const row of rows) await recordSent(test.db, row, sid(base + Number(row.phone.slice(-1))), test.clock.now())
    return published
  }
  const phones = () => test.db.selectFrom('phones').select(['phone', 'opted_out_at', 'invalid_at']).orderBy('phone').execute()
  const twilioConsent = () =>
    test.db
      .selectFrom('consent_records')
      .select(['phone', 'at', 'action', 'source', 'detail'])
      .where('source', '=', 'twilio')
      .orderBy('id')
      .execute()
  return { ...test, api, status, publishAndSend, phones, twilioConsent }
}

for (const database of DATABASES) {
  t.test(
    `${database}: a signed 21610 callback opts the phone out with a consent record; ` +
      '21211 and 21614 mark it unreachable; the next publish skips them',
    async (t) => {
      const { app, api, status, publishAndSend, phones, twilioConsent, db, clock } = await setup(t, database)
      await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
      for (const i of [0, 1, 2, 3]) await text(app, 'SUB CS1', { From: phone(i) })
      t.match(await publishAndSend('first'), { recipients: 4 })
      clock.advance(60_000)
      const at = clock.now().toISOString()

      t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204)
      t.equal((await status(sid(1), 'undelivered', { ErrorCode: '21211' })).statusCode, 204)
      t.equal((await status(sid(2), 'failed', { ErrorCode: '21614' })).statusCode, 204)
      t.equal((await status(sid(3), 'delivered')).statusCode, 204)

      t.same(await phones(), [
        { phone: phone(0), opted_out_at: at, invalid_at: null },
        { phone: phone(1), opted_out_at: null, invalid_at: at },
        { phone: phone(2), opted_out_at: null, invalid_at: at },
        { phone: phone(3), opted_out_at: null, invalid_at: null },
      ])
      t.same(
        await twilioConsent(),
        [{ phone: phone(0), at, action: 'opt_out', source: 'twilio', detail: '21610' }],
        'the opt-out is in the consent record, as Twilio said it',
      )
      const consent = (await api('GET', `/api/phones/${encodeURIComponent(phone(0))}/consent`)).json<{ records: unknown[] }>()
      t.match(consent.records.at(-1), { action: 'opt_out', source: 'twilio', detail: '21610' }, 'and in what the API shows')
      const rows = await db.selectFrom('outbox').select(['phone', 'status', 'error_code']).orderBy('phone').execute()
      t.same(
        rows.map((r) => [r.status, r.error_code]),
        [
          ['failed', 21610],
          ['failed', 21211],
          ['failed', 21614],
          ['delivered', null],
        ],
      )

      t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204, "Twilio's retry of the callback")
      t.equal((await twilioConsent()).length, 1, 'a repeated callback records nothing twice')

      const second = await publishAndSend('second', 10)
      t.equal(second.recipients, 1, 'the next notification goes only to the phone that can receive it')
      t.same(
        (await db.selectFrom('outbox').select('phone').where('notification_id', '=', second.id).execute()).map((r) => r.phone),
        [phone(3)],
      )
    },
  )

  t.test(`${database}: a sid smsbot never sent changes nothing, whatever its error code`, async (t) => {
    const { app, api, status, phones, twilioConsent, db } = await setup(t, database)
    await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
    await text(app, 'SUB CS1', { From: phone(0) })
    const before = await phones()
    t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204, 'no row has that sid yet')
    t.equal((await status(`SM${'f'.repeat(32)}`, 'undelivered', { ErrorCode: '21211' })).statusCode, 204)
    t.same(await phones(), before, 'nobody opted out or marked unreachable')
    t.same(await twilioConsent(), [])
    t.same(await db.selectFrom('outbox').selectAll().execute(), [])
  })

  t.test(
    `${database}: the opt-out and the row's status are one transaction: if one fails, neither is kept, and Twilio's retry then does both`,
    async (t) => {
      const { app, api, status, publishAndSend, phones, twilioConsent, db } = await setup(t, database)
      await api('PUT', '/api/topics/CS1', { title: 'Fundies' })
      await text(app, 'SUB CS1', { From: phone(0) })
      await publishAndSend('first')
      // The consent record cannot be written: the opt-out fails after the row's status was updated.
      if (isPostgres(db)) {
        await sql`create function refuse_consent() returns trigger language plpgsql
                  as $$ begin raise exception 'consent refused'; end $$`.execute(db)
        await sql`create trigger no_consent before insert on consent_records for each row execute function refuse_consent()`.execute(db)
      } else {
        await sql`create trigger no_consent before insert on consent_records begin select raise(abort, 'consent refused'); end`.execute(db)
      }
      const refused = await status(sid(0), 'failed', { ErrorCode: '21610' })
      t.equal(refused.statusCode, 500)
      t.match(
        await db.selectFrom('outbox').select(['status', 'error_code']).executeTakeFirstOrThrow(),
        { status: 'sent', error_code: null },
        'the status was rolled back with it',
      )
      t.match(await phones(), [{ phone: phone(0), opted_out_at: null }])
      await sql`drop trigger no_consent${sql.raw(isPostgres(db) ? ' on consent_records' : '')}`.execute(db)
      t.equal((await status(sid(0), 'failed', { ErrorCode: '21610' })).statusCode, 204)
      t.match(await db.selectFrom('outbox').select(['status', 'error_code']).executeTakeFirstOrThrow(), {
        status: 'failed',
        error_code: 21610,
      })
      t.match(await phones(), [{ phone: phone(0), opted_out_at: String }])
      t.equal((await twilioConsent()).length, 1)
    },
  )
}
