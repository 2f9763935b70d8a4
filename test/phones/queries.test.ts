// The phones table's settings on SQLite and PostgreSQL: quiet hours and time zone written and read back, defaults for unknown phones.
import t from 'tap'
import { phoneSettings, setOptedOut, setQuietHours, setTimeZone } from '../../src/phones/queries.js'
import { DATABASES, testClock, testDbOf } from '../helpers.js'

for (const kind of DATABASES) {
  t.test(`${kind}: quiet hours and time zone are kept per phone`, async (t) => {
    const { db } = await testDbOf(t, kind)
    t.teardown(() => db.destroy())
    const clock = testClock()
    const phone = '+16175550123'
    t.same(await phoneSettings(db, phone), { quietHours: { kind: 'default' }, timeZone: null, optedOut: false }, 'a phone never seen has the defaults')

    await setQuietHours(db, phone, { kind: 'window', window: { start: 1320, end: 420 } }, clock.now())
    t.same((await phoneSettings(db, phone)).quietHours, { kind: 'window', window: { start: 1320, end: 420 } }, 'the phone is remembered and its window kept')
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
}
