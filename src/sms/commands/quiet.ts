// QUIET OFF, QUIET ON, QUIET 22-7: this phone's own quiet hours (no notifications then, in its time zone).
import { setQuietHours } from '../../phones/queries.js'
import { parseQuietHours } from '../../phones/settings.js'
import type { SmsCommand } from '../command.js'

export const quiet: SmsCommand = {
  id: 'quiet',
  name: 'QUIET',
  aliases: [],
  help: { en: 'QUIET 22-7 or OFF', es: 'QUIET 22-7 u OFF' },
  suggestAs: 'QUIET 22-7',
  answer: async ({ text, copy, db, phone, now, settings }) => {
    const setting = text === null ? undefined : parseQuietHours(text)
    if (setting === undefined) return copy.quietInvalid
    await setQuietHours(db, phone, setting, now)
    if (setting.kind === 'off') return copy.quietOff
    if (setting.kind === 'default') return copy.quietDefault(settings.quietHours)
    return copy.quietSet(setting.window)
  },
}
