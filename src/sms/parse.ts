// Turns an SMS body into what it asks for: pure, no I/O. Carrier keywords first, then a number, then the first word.
import { distance } from 'fastest-levenshtein'
import type { SmsCommand } from './command.js'
import { COMMANDS } from './commands/index.js'

export type Parsed =
  | { kind: 'command'; command: SmsCommand; word: string; argument: string | null; text: string | null }
  /** A carrier keyword alone in the message (upper case): the consent record keeps which one. */
  | { kind: 'optOut'; keyword: string }
  | { kind: 'optIn'; keyword: string }
  /** HELP or INFO: the program identity (CTIA). */
  | { kind: 'info' }
  /** Twilio's Advanced Opt-Out matched a help keyword (OptOutType=HELP) and answered it itself: nothing to do. */
  | { kind: 'helpByTwilio' }
  /** A reply that is just a number: it answers an open menu, or nothing. */
  | { kind: 'number'; number: number }
  | { kind: 'empty' }
  | { kind: 'mediaOnly' }
  | { kind: 'noText' }
  /** No command: an operator's keyword, a forward, or "didn't understand". `word` is the first word, upper case. */
  | { kind: 'unknown'; word: string; suggestion: string | null }

/** Carrier opt-out and opt-in keywords, honoured only when they are the whole message (SPEC §2). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const
/** Carrier help keywords: they answer the program identity; H and ? list the commands. */
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const

const CARRIER_KEYWORDS: readonly string[] = [...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS]

/** What may trail a command and be ignored: white space and sentence punctuation. */
const TRAILING = /[\s.,!?;:…]/u

/**
 * NFKC-normalises (fullwidth `ＳＴＯＰ` is `STOP`), then trims white space and trailing punctuation, e.g.
 * "  Sub cs2500-01!! " → "Sub cs2500-01". Linear in the length: one walk back from the end, no backtracking regex.
 */
export function normalizeBody(body: string): string {
  const text = body.normalize('NFKC').trim()
  let end = text.length
  while (end > 0 && TRAILING.test(text[end - 1] as string)) end--
  return text.slice(0, end)
}

function findCommand(word: string, commands: readonly SmsCommand[]): SmsCommand | undefined {
  return commands.find((c) => c.name === word || c.aliases.includes(word))
}

/** The closest command to a word nobody understood, or null when nothing is close enough to help. */
export function suggestCommand(word: string, commands: readonly SmsCommand[] = COMMANDS): string | null {
  const upper = word.toUpperCase().slice(0, 40)
  // HELP and INFO are carrier keywords, but someone who mistyped them wants the command list.
  const candidates: Array<[string, string]> = HELP_KEYWORDS.map((k) => [k, 'H'])
  for (const c of commands) for (const alias of [c.name, ...c.aliases]) candidates.push([alias, c.suggestAs ?? c.name])
  let best: { suggestion: string; d: number } | null = null
  for (const [alias, suggestion] of candidates) {
    if (alias.length < 2) continue // one-letter aliases are close to everything short
    const d = distance(upper, alias)
    if (best === null || d < best.d) best = { suggestion, d }
  }
  // Two edits, or up to a third of a longer word, is a typo; more is a different word.
  if (best === null || best.d > Math.max(2, Math.floor(upper.length / 3))) return null
  return best.suggestion
}

export function parseMessage(body: string, numMedia = 0, commands: readonly SmsCommand[] = COMMANDS): Parsed {
  const text = normalizeBody(body)
  if (text === '' && /^\?+$/.test(body.normalize('NFKC').trim())) {
    const command = findCommand('?', commands)
    if (command !== undefined) return { kind: 'command', command, word: '?', argument: null, text: null }
  }
  if (text === '') return numMedia > 0 ? { kind: 'mediaOnly' } : { kind: 'empty' }
  if (!/[\p{L}\p{N}?]/u.test(text)) return { kind: 'noText' }

  const upper = text.toUpperCase()
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(upper)) return { kind: 'optOut', keyword: upper }
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(upper)) return { kind: 'optIn', keyword: upper }
  if (/^\d{1,4}$/.test(upper)) return { kind: 'number', number: Number(upper) }

  const [first = '', ...rest] = text.split(/\s+/u)
  const word = first.toUpperCase()
  if ((HELP_KEYWORDS as readonly string[]).includes(word)) return { kind: 'info' }
  const command = findCommand(word, commands)
  if (command === undefined) return { kind: 'unknown', word, suggestion: suggestCommand(word, commands) }
  const argument = rest.length > 0 ? rest.join(' ') : null
  return { kind: 'command', command, word, argument: argument?.toUpperCase() ?? null, text: argument }
}

/**
 * A sender a person holds: an E.164 number, possibly behind a channel prefix (`whatsapp:+1…`). An alphanumeric sender
 * ID (`TWILIO`) or a short code (`12345`) is not one: it is never subscribed, verified or sent a link (SPEC §11).
 */
export function isPersonSender(from: string): boolean {
  return /^(?:[a-z]+:)?\+[1-9]\d{6,14}$/i.test(from)
}

/**
 * Twilio's Advanced Opt-Out verdict (`OptOutType`) wins over the body: a Messaging Service's keyword matched, in any
 * language (ARRET, REPRENDRE, AIDE). The consent record keeps the word texted. Without a verdict, the body is parsed.
 */
export function parseInbound(body: string, numMedia: number, optOutType: string | undefined): Parsed {
  const verdict = optOutType?.trim().toUpperCase()
  const texted = () => normalizeBody(body).toUpperCase().slice(0, 40) || (verdict as string)
  if (verdict === 'STOP') return { kind: 'optOut', keyword: texted() }
  if (verdict === 'START') return { kind: 'optIn', keyword: texted() }
  if (verdict === 'HELP') return { kind: 'helpByTwilio' }
  return parseMessage(body, numMedia)
}

/**
 * Why a word cannot be an operator's keyword, if it cannot: a command's name or alias, or a carrier keyword (those
 * always win; a keyword must not hide them).
 */
export function reservedAs(word: string, commands: readonly SmsCommand[] = COMMANDS): 'command' | 'carrier' | undefined {
  const upper = word.normalize('NFKC').toUpperCase()
  if (CARRIER_KEYWORDS.includes(upper)) return 'carrier'
  return findCommand(upper, commands) === undefined ? undefined : 'command'
}
