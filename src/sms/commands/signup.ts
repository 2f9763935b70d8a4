// S and SIGNUP: a one-time link that verifies this phone on the web (the carrier proved who sent the text).
import type { SmsCommand } from '../command.js'

export const signup: SmsCommand = {
  id: 'signup',
  name: 'S',
  aliases: ['SIGNUP'],
  help: { en: 'S for the web', es: 'S la web' },
  answer: async ({ copy, settings, phone, now, messageSid }) =>
    copy.signup(settings.signupUrl(phone, now, messageSid), settings.signupMinutes),
}
