// SETTINGS: what this phone's quiet hours and time zone are now, and how to change them (QUIET, TZ, LANG).
import { phoneSettings } from '../../phones/queries.js'
import { effectiveQuietWindow } from '../../phones/settings.js'
import type { SmsCommand } from '../command.js'

export const settings: SmsCommand = {
  id: 'settings',
  name: 'SETTINGS',
  aliases: [],
  // H has no room left: QUIET's line leads here, and so do the QUIET and TZ replies.
  help: null,
  answer: async ({ db, phone, copy, settings: rules }) => {
    const { quietHours, timeZone } = await phoneSettings(db, phone)
    const window = effectiveQuietWindow(quietHours, rules.quietHours)
    return copy.settings({ window, own: quietHours.kind === 'window' }, timeZone)
  },
}
