// The texts every channel imports, one typed catalogue per language: a leaf that imports nothing above it.
import type { Language } from '../language.js'
import { en, type SmsCopy } from './sms-en.js'
import { es } from './sms-es.js'

export type { SmsCopy }
export type { MenuItem, MenuText, Program, QuietWindow, TopicSummary } from './sms.js'

/** The SMS catalogue: every reply, and the framing of codes and notifications. */
export const smsCopy: Record<Language, SmsCopy> = { en, es }
