// The texts every channel imports, one typed catalogue per language: a leaf that imports nothing above it.
import type { Language } from '../language.js'
import { en, type SmsCopy } from './sms-en.js'
import { es } from './sms-es.js'

export type { SmsCopy }
export type { QuietSetting, QuietWindow } from './quiet.js'
export type { MenuItem, MenuText, Program, TopicSummary } from './sms.js'
export { webCopy, type NotMobileType, type Refusal, type WebCopy } from './web.js'
export { consoleCopy, type ConsoleCopy } from './console.js'
export { consoleSendCopy, type ConsoleSendCopy, type QuietForecast } from './console-send.js'
export { twilioErrorMeaning, twilioErrorUrl } from './twilio-errors.js'

/** The SMS catalogue: every reply, and the framing of codes and notifications. */
export const smsCopy: Record<Language, SmsCopy> = { en, es }
