// The texter's own settings by SMS (SPEC §8): QUIET OFF, QUIET ON, QUIET 22-7 and TZ <zone>, each confirmed in one segment.
import { SegmentedMessage } from 'sms-segments-calculator'
import t from 'tap'
import { phoneSettings } from '../../src/phones/queries.js'
import { buildTestApp, DATABASES, text } from '../helpers.js'

const PHONE = '+16175550123'

for (const database of DATABASES) {
  t.test(`${database}: QUIET and TZ change the phone's settings and say so in one segment`, async (t) => {
    const { app, db } = await buildTestApp(t, { database })
    const settings = () => phoneSettings(db, PHONE)
    const cases: Array<[string, RegExp]> = [
      ['QUIET 22-7', /^Quiet hours set: no alerts 22:00-07:00 your time/],
      ['quiet 22:30-6:15', /^Quiet hours set: no alerts 22:30-06:15 your time/],
      ['QUIET OFF', /^Quiet hours off: alerts come at any time of day\./],
      ['QUIET ON', /^Quiet hours on: no alerts 21:00-08:00 your time\./],
      ['TZ PACIFIC', /^Time zone set to America\/Los_Angeles\./],
      ['tz america/chicago', /^Time zone set to America\/Chicago\./],
      ['TZ auto', /^Time zone back to your number's own\./],
      ['QUIET', /^Send hours on the 24 h clock, e.g\. QUIET 22-7/],
      ['QUIET 25-7', /^Send hours on the 24 h clock/],
      ['QUIET 7-7', /^Send hours on the 24 h clock/],
      ['TZ', /^Unknown time zone\. Try TZ EASTERN/],
      ['TZ Mars/Olympus', /^Unknown time zone\./],
    ]
    for (const [body, reply] of cases) {
      const answer = await text(app, body)
      t.match(answer, reply, body)
      t.equal(new SegmentedMessage(answer).segmentsCount, 1, `${body}: one segment`)
    }
    t.same(
      await settings(),
      { quietHours: { kind: 'default' }, timeZone: null, optedOut: false },
      'QUIET ON and TZ AUTO went back to the defaults',
    )
    await text(app, 'QUIET 23-6')
    await text(app, 'TZ HAWAII')
    t.same(await settings(), {
      quietHours: { kind: 'window', window: { start: 23 * 60, end: 6 * 60 } },
      timeZone: 'Pacific/Honolulu',
      optedOut: false,
    })
    await text(app, 'QUIET OFF')
    t.same((await settings()).quietHours, { kind: 'off' })
  })
}

t.test("SETTINGS says what applies now, in the phone's language", async (t) => {
  const { app } = await buildTestApp(t)
  t.equal(
    await text(app, 'settings'),
    "Quiet hours: 21:00-08:00 (usual). Time zone: your number's. QUIET 22-7, TZ PACIFIC or LANG ES to change.",
  )
  await text(app, 'QUIET 22-7')
  await text(app, 'TZ PACIFIC')
  t.equal(
    await text(app, 'SETTINGS'),
    'Quiet hours: 22:00-07:00. Time zone: America/Los_Angeles. QUIET 22-7, TZ PACIFIC or LANG ES to change.',
  )
  await text(app, 'QUIET OFF')
  await text(app, 'LANG ES')
  t.equal(
    await text(app, 'SETTINGS'),
    'Horas de silencio: ninguna. Zona: America/Los_Angeles. QUIET 22-7, TZ PACIFIC o LANG EN para cambiarlo.',
  )
})

t.test('QUIET ON when QUIET_HOURS is off; Spanish confirmations', async (t) => {
  const { app } = await buildTestApp(t, { env: { QUIET_HOURS: 'off' } })
  t.match(await text(app, 'QUIET ON'), /^Quiet hours follow the usual setting: none/)
  await text(app, 'LANG ES')
  t.equal(
    await text(app, 'QUIET 22-7'),
    'Horas de silencio: sin avisos de 22:00-07:00 en tu hora (TZ <zona> para cambiarla). QUIET OFF las quita.',
  )
  t.equal(await text(app, 'TZ EASTERN'), 'Zona horaria: America/New_York. Las horas de silencio la siguen. TZ AUTO usa la de tu teléfono.')
  t.match(await text(app, 'QUIET 99'), /^Escribe las horas en formato de 24 h/)
})

t.test('HELP and INFO answer the program identity from PROGRAM_NAME and SUPPORT_CONTACT; H still lists the commands', async (t) => {
  const { app } = await buildTestApp(t, { env: { PROGRAM_NAME: 'SearchNEU', SUPPORT_CONTACT: 'help@searchneu.com' } })
  t.equal(
    await text(app, 'HELP'),
    'SearchNEU: alerts for the topics you follow. Help: help@searchneu.com. Msg&data rates may apply. Reply STOP to cancel.',
  )
  t.equal(
    await text(app, 'INFO'),
    'SearchNEU: alerts for the topics you follow. Help: help@searchneu.com. Msg&data rates may apply. Reply STOP to cancel.',
  )
  t.match(await text(app, 'H'), /^SUB <topic> to follow/)
  t.match(await text(app, '?'), /^SUB <topic> to follow/)
})
