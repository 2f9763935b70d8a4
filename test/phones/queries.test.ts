// The phones table on SQLite and PostgreSQL: settings kept (defaults for unknown phones), and the first subscription's confirmation.
import t from 'tap'
import {
  confirmFirstSubscription,
  phoneSettings,
  phoneSettingsOf,
  rememberPhone,
  setOptedOut,
  setQuietHours,
  setTimeZone,
  type FirstConfirmation,
} from '../../src/phones/queries.js'
import { DATABASES, testClock, testDbOf } from '../helpers.js'

for (const kind of DATABASES) {
  t.test(`${kind}: quiet hours and time zone are kept per phone`, async (t) => {
    const { db } = await testDbOf(t, kind)
    t.teardown(() => db.destroy())
    const clock = testClock()
    const phone = '+16175550123'
    t.same(
      await phoneSettings(db, phone),
      { quietHours: { kind: 'default' }, timeZone: null, optedOut: false },
      'a phone never seen has the defaults',
    )

    await setQuietHours(db, phone, { kind: 'window', window: { start: 1320, end: 420 } }, clock.now())
    t.same(
      (await phoneSettings(db, phone)).quietHours,
      { kind: 'window', window: { start: 1320, end: 420 } },
      'the phone is remembered and its window kept',
    )
    await setQuietHours(db, phone, { kind: 'off' }, clock.now())
    t.same((await phoneSettings(db, phone)).quietHours, { kind: 'off' })
    await setQuietHours(db, phone, { kind: 'default' }, clock.now())
    t.same((await phoneSettings(db, phone)).quietHours, { kind: 'default' })

    await setTimeZone(db, phone, 'America/Los_Angeles', clock.now())
    await setOptedOut(db, phone, true, clock.now())
    t.same(await phoneSettings(db, phone), { quietHours: { kind: 'default' }, timeZone: 'America/Los_Angeles', optedOut: true })
    await setTimeZone(db, phone, null, clock.now())
    t.equal((await phoneSettings(db, phone)).timeZone, null, 'back to the zones of the number')
    t.same((await phoneSettings(db, '+16175550199')).timeZone, null, 'another phone is untouched')
  })

  t.test(`${kind}: the settings of a claimed batch in one read: each phone's own, defaults for one never seen`, async (t) => {
    const { db } = await testDbOf(t, kind)
    t.teardown(() => db.destroy())
    const clock = testClock()
    const [quiet, away, unknown] = ['+16175550123', '+16175550124', '+16175550125']
    await setQuietHours(db, quiet, { kind: 'off' }, clock.now())
    await setTimeZone(db, away, 'America/Los_Angeles', clock.now())
    await setOptedOut(db, away, true, clock.now())
    const settings = await phoneSettingsOf(db, [quiet, away, unknown, quiet])
    t.same(
      [...settings],
      [
        [quiet, { quietHours: { kind: 'off' }, timeZone: null, optedOut: false }],
        [away, { quietHours: { kind: 'default' }, timeZone: 'America/Los_Angeles', optedOut: true }],
        [unknown, { quietHours: { kind: 'default' }, timeZone: null, optedOut: false }],
      ],
      'one entry per phone, a phone named twice once',
    )
    for (const phone of [quiet, away, unknown]) t.same(settings.get(phone), await phoneSettings(db, phone), `the same as phoneSettings`)
    t.same([...(await phoneSettingsOf(db, []))], [], 'no phones, no read')
  })
}

for (const kind of DATABASES) {
  t.test(`${kind}: a first subscription is confirmed once, in a reply or by a text of its own`, async (t) => {
    const { db } = await testDbOf(t, kind)
    t.teardown(() => db.destroy())
    const clock = testClock()
    const confirm = (phone: string, confirmation: FirstConfirmation) => confirmFirstSubscription(db, phone, clock.now(), confirmation)
    const welcomedAt = async (phone: string) =>
      (await db.selectFrom('phones').select('welcomed_at').where('phone', '=', phone).executeTakeFirstOrThrow()).welcomed_at
    const [texter, optedOut, browser, failing] = ['+16175550101', '+16175550102', '+16175550103', '+16175550104']
    for (const phone of [texter, optedOut, browser, failing]) await rememberPhone(db, phone, clock.now())
    await setOptedOut(db, optedOut, true, clock.now())
    let texts = 0
    const send = async () => (texts++, true)

    t.same(await confirm(texter, { via: 'reply' }), { first: true, optedOut: false }, 'the first, in the reply')
    t.same(await confirm(texter, { via: 'reply' }), { first: false, optedOut: false }, 'once')
    t.same(await confirm(texter, { via: 'text', send }), { first: false, optedOut: false }, 'by text neither')
    t.equal(texts, 0)

    // A reply reaches an opted-out texter (and says how to opt back in); a text of its own may not go to that phone.
    t.same(await confirm(optedOut, { via: 'text', send }), { first: false, optedOut: true }, 'no text to an opted-out phone')
    t.equal(texts, 0)
    t.equal(await welcomedAt(optedOut), null, 'and not marked: its confirmation comes after START')
    t.same(await confirm(optedOut, { via: 'reply' }), { first: true, optedOut: true }, 'the reply carries it')

    t.same(await confirm(browser, { via: 'text', send }), { first: true, optedOut: false }, 'a text of its own')
    t.equal(texts, 1)
    t.same(await confirm(browser, { via: 'text', send }), { first: false, optedOut: false }, 'once')
    t.equal(texts, 1)

    // A text that did not go out takes its mark back: the next subscription tries again.
    t.same(await confirm(failing, { via: 'text', send: async () => false }), { first: false, optedOut: false }, 'not sent')
    t.equal(await welcomedAt(failing), null, 'unmarked')
    clock.advance(1000)
    t.same(await confirm(failing, { via: 'text', send }), { first: true, optedOut: false }, 'the next one is confirmed')
    t.equal(await welcomedAt(failing), clock.now().toISOString())
    t.equal(texts, 2)

    // Simultaneous first subscriptions, by text and on the web: exactly one is first.
    const both = '+16175550105'
    await rememberPhone(db, both, clock.now())
    const results = await Promise.all([
      confirm(both, { via: 'reply' }),
      confirm(both, { via: 'text', send }),
      confirm(both, { via: 'reply' }),
      confirm(both, { via: 'text', send }),
    ])
    t.equal(results.filter((r) => r.first).length, 1, 'one first')
  })
}
