// What a command is: one module (name, aliases, a help line per language, and what it answers), registered in commands/index.ts.
import type { Db } from '../database.js'
import type { Language } from '../language.js'
import type { QuietWindow } from '../phones/settings.js'
import type { Program, SmsCopy } from '../copy/index.js'

/** What a command's answer depends on besides the database and the message. */
export interface CommandSettings {
  maxSubscriptions: number
  /**
   * The address that verifies a phone, for the S command: a one-time sign-in link made at `now` for the message
   * `messageSid`. The same arguments give the same link, so a stored reply can leave the link out (see answer.ts).
   */
  signupUrl: (phone: string, now: Date, messageSid: string) => string
  /** How long that link works, in minutes. */
  signupMinutes: number
  /** How long a menu's numbers keep working after it was shown (CONVERSATION_MINUTES). */
  conversationMinutes: number
  /** PROGRAM_NAME and SUPPORT_CONTACT, for HELP and the first subscription's confirmation. */
  program: Program
  /** The deployment's quiet window (QUIET_HOURS), undefined when off: what QUIET ON goes back to. */
  quietHours: QuietWindow | undefined
}

export interface CommandRequest {
  /** The claim's transaction, serialised per phone (a stateless command gets the database itself and must not write). */
  db: Db
  phone: string
  /** The MessageSid of the text being answered. */
  messageSid: string
  /** The command word as texted, upper case (a command can tell its aliases apart: ESPANOL means LANG ES). */
  word: string
  /** The rest of the message, upper case, or null when there is none. */
  argument: string | null
  /** The rest of the message as typed (case kept), or null. */
  text: string | null
  now: Date
  language: Language
  /** The catalogue of the phone's language. */
  copy: SmsCopy
  settings: CommandSettings
  /** Every registered command, in order (H lists their help lines). */
  commands: readonly SmsCommand[]
}

export interface SmsCommand {
  /** What the message is recorded, logged and counted as: a fixed word per command, never the texter's words. */
  id: string
  /** The word that selects it, upper case. */
  name: string
  aliases: readonly string[]
  /** Its line in the H reply, per language; null leaves it out (the reply must stay one segment). */
  help: Record<Language, string> | null
  /** How a typo suggestion names it (`SUB <topic>`); the name when unset. */
  suggestAs?: string
  /**
   * The reply depends on the message (and the phone's language) alone, and nothing changes: answered without a
   * MessageSid record or a transaction, since a retry gets the same reply by construction.
   */
  stateless?: boolean
  answer(request: CommandRequest): Promise<string>
}
