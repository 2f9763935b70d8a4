// LANG ES (ESPAÑOL, ESPANOL) and LANG EN (ENGLISH): the language of this phone's replies, notifications and web pages.
import { isLanguage, type Language } from '../../language.js'
import { setLanguage } from '../../phones/queries.js'
import type { SmsCommand } from '../command.js'
import { smsCopy } from '../../copy/index.js'

/** Words that choose a language by themselves. */
const IMPLIED: Record<string, Language> = { ESPAÑOL: 'es', ESPANOL: 'es', ENGLISH: 'en' }

export const languageCommand: SmsCommand = {
  id: 'language',
  name: 'LANG',
  aliases: Object.keys(IMPLIED),
  help: { en: 'LANG ES: español', es: 'LANG EN: English' },
  suggestAs: 'LANG ES',
  answer: async ({ word, argument, copy, db, phone, now }) => {
    const chosen = IMPLIED[word] ?? argument?.toLowerCase()
    if (!isLanguage(chosen)) return copy.languageWhich
    await setLanguage(db, phone, chosen, now)
    // Said in the language just chosen.
    return smsCopy[chosen].languageSet
  },
}
