// The texter's settings as typed: quiet windows (QUIET 22-7, OFF, ON), time zones (TZ PACIFIC, IANA names), and their stored form.
import t from 'tap'
import {
  describeQuietWindow,
  effectiveQuietWindow,
  formatQuietWindow,
  isTimeZone,
  parseQuietHours,
  parseQuietWindow,
  parseTimeZone,
  readStoredQuietHours,
  storedQuietHours,
  ZONE_NAMES,
} from '../../src/phones/settings.js'

t.test('quiet windows in hours of the 24 h clock, with minutes when given', async (t) => {
  t.same(parseQuietWindow('22-7'), { start: 22 * 60, end: 7 * 60 })
  t.same(parseQuietWindow('21-8'), { start: 21 * 60, end: 8 * 60 })
  t.same(parseQuietWindow(' 22:30 - 07:15 '), { start: 22 * 60 + 30, end: 7 * 60 + 15 })
  t.same(parseQuietWindow('2230-0700'), { start: 22 * 60 + 30, end: 7 * 60 })
  t.same(parseQuietWindow('0-6'), { start: 0, end: 360 }, 'a window that does not cross midnight')
  t.same(parseQuietWindow('22 to 7'), { start: 1320, end: 420 })
  t.same(parseQuietWindow('22–7'), { start: 1320, end: 420 }, 'an en dash')
  for (const bad of ['', '22', '24-7', '22-60', '22:60-7', '7-7', '22-7-8', 'ten-six', '-1-7', '22-7pm']) {
    t.equal(parseQuietWindow(bad), undefined, `"${bad}" is refused`)
  }
})

t.test('QUIET OFF, ON and a window; anything else is undefined', async (t) => {
  t.same(parseQuietHours('OFF'), { kind: 'off' })
  t.same(parseQuietHours('off.'), { kind: 'off' })
  t.same(parseQuietHours('ON'), { kind: 'default' })
  t.same(parseQuietHours('on!'), { kind: 'default' })
  t.same(parseQuietHours('22-7'), { kind: 'window', window: { start: 1320, end: 420 } })
  t.equal(parseQuietHours('sometimes'), undefined)
  t.equal(parseQuietHours(''), undefined)
})

t.test('the stored form reads back as the same setting', async (t) => {
  for (const input of ['OFF', 'ON', '22-7', '22:30-7', '0-6:45']) {
    const setting = parseQuietHours(input)
    if (setting === undefined) throw new Error(input)
    t.same(readStoredQuietHours(storedQuietHours(setting)), setting, input)
  }
  t.equal(storedQuietHours({ kind: 'default' }), null)
  t.equal(storedQuietHours({ kind: 'off' }), 'off')
  t.equal(formatQuietWindow({ start: 1350, end: 420 }), '22:30-7')
  t.equal(describeQuietWindow({ start: 1350, end: 425 }), '22:30–07:05')
  t.same(readStoredQuietHours('garbage'), { kind: 'default' }, 'an unreadable value counts as the default')
})

t.test("the window that applies: the phone's own, none, or the deployment's", async (t) => {
  const deployment = { start: 1260, end: 480 }
  const own = { start: 1320, end: 420 }
  t.same(effectiveQuietWindow({ kind: 'default' }, deployment), deployment)
  t.equal(effectiveQuietWindow({ kind: 'default' }, undefined), undefined, 'QUIET_HOURS=off')
  t.equal(effectiveQuietWindow({ kind: 'off' }, deployment), undefined)
  t.same(
    effectiveQuietWindow({ kind: 'window', window: own }, undefined),
    own,
    "a phone's own window holds even when the deployment's is off",
  )
})

t.test('time zones: the US names, abbreviations meaning the zone with summer time, and IANA names in any case', async (t) => {
  t.equal(parseTimeZone('EASTERN'), 'America/New_York')
  t.equal(parseTimeZone('central'), 'America/Chicago')
  t.equal(parseTimeZone('Mountain'), 'America/Denver')
  t.equal(parseTimeZone('PACIFIC'), 'America/Los_Angeles')
  t.equal(parseTimeZone('ALASKA'), 'America/Anchorage')
  t.equal(parseTimeZone('HAWAII'), 'Pacific/Honolulu')
  t.equal(parseTimeZone('pacific time'), 'America/Los_Angeles')
  t.equal(parseTimeZone('EST'), 'America/New_York', "not IANA's fixed EST")
  t.equal(parseTimeZone('america/chicago'), 'America/Chicago')
  t.equal(parseTimeZone('Europe/Paris.'), 'Europe/Paris')
  t.equal(parseTimeZone('US/Pacific'), 'America/Los_Angeles', 'a link is read as its zone')
  t.equal(parseTimeZone('UTC'), 'UTC')
  for (const bad of ['', 'Mars/Olympus', '+01:00', 'GMT+5 hours', 'New York', '../etc'])
    t.equal(parseTimeZone(bad), undefined, `"${bad}" is refused`)
  for (const zone of Object.values(ZONE_NAMES)) t.ok(isTimeZone(zone), zone)
  t.notOk(isTimeZone('Nowhere/Special'))
})
