// TZ <zone>: this phone's time zone for quiet hours (an IANA name, or EASTERN … HAWAII); TZ AUTO goes back to the number's.
import { setTimeZone } from '../../phones/queries.js'
import { parseTimeZone } from '../../phones/settings.js'
import type { SmsCommand } from '../command.js'

export const timeZone: SmsCommand = {
  id: 'timeZone',
  name: 'TZ',
  aliases: [],
  // QUIET's confirmation says how to change the zone; the H reply has no room for both.
  help: null,
  suggestAs: 'TZ <zone>',
  answer: async ({ text, argument, copy, db, phone, now }) => {
    if (argument === 'AUTO') {
      await setTimeZone(db, phone, null, now)
      return copy.zoneAuto
    }
    const zone = text === null ? undefined : parseTimeZone(text)
    if (zone === undefined) return copy.zoneInvalid
    await setTimeZone(db, phone, zone, now)
    return copy.zoneSet(zone)
  },
}
