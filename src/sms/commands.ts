// Turns an SMS body into a command: pure, no I/O; the first word selects the command.
import { distance } from 'fastest-levenshtein'

export type Command =
  | { kind: 'help' }
  | { kind: 'signup' }
  | { kind: 'subscribe'; topic: string | null }
  | { kind: 'unsubscribe'; topic: string | null }
  | { kind: 'unsubscribeAll' }
  | { kind: 'list' }
  | { kind: 'topics' }
  | { kind: 'optOut' }
  | { kind: 'optIn' }
  | { kind: 'empty' }
  | { kind: 'mediaOnly' }
  | { kind: 'noText' }
  | { kind: 'unknown'; suggestion: string | null }

/** Carrier keywords, honoured only when they are the whole message (SPEC §2). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const

type Word = 'help' | 'signup' | 'subscribe' | 'unsubscribe' | 'list' | 'topics'

/** Every command word and alias → what it does. */
const COMMAND_WORDS: Record<string, Word> = {
  H: 'help',
  HELP: 'help',
  INFO: 'help',
  '?': 'help',
  S: 'signup',
  SIGNUP: 'signup',
  SUB: 'subscribe',
  SUBSCRIBE: 'subscribe',
  UNSUB: 'unsubscribe',
  LIST: 'list',
  L: 'list',
  TOPICS: 'topics',
  T: 'topics',
}

/** How a suggestion names each command: the short form people should text. */
const SUGGESTED_AS: Record<Word, string> = {
  help: 'H',
  signup: 'S',
  subscribe: 'SUB <topic>',
  unsubscribe: 'UNSUB <topic>',
  list: 'LIST',
  topics: 'TOPICS',
}

/** Trims white space and trailing punctuation, e.g. "  Sub cs2500-01!! " → "Sub cs2500-01". */
export function normalizeBody(body: string): string {
  return body.trim().replace(/[\s.,!?;:…]+$/u, '')
}

/** The closest command to a word nobody understood, or null when nothing is close enough to help. */
export function suggestCommand(word: string): string | null {
  const upper = word.toUpperCase().slice(0, 40)
  let best: { word: Word; d: number } | null = null
  for (const [alias, meaning] of Object.entries(COMMAND_WORDS)) {
    if (alias.length < 2) continue // one-letter aliases are close to everything short
    const d = distance(upper, alias)
    if (best === null || d < best.d) best = { word: meaning, d }
  }
  // Two edits, or up to a third of a longer word, is a typo; more is a different word.
  if (best === null || best.d > Math.max(2, Math.floor(upper.length / 3))) return null
  return SUGGESTED_AS[best.word]
}

export function parseCommand(body: string, numMedia = 0): Command {
  const text = normalizeBody(body)
  if (text === '' && body.trim() === '?') return { kind: 'help' }
  if (text === '') return numMedia > 0 ? { kind: 'mediaOnly' } : { kind: 'empty' }
  if (!/[\p{L}\p{N}?]/u.test(text)) return { kind: 'noText' }

  const upper = text.toUpperCase()
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(upper)) return { kind: 'optOut' }
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(upper)) return { kind: 'optIn' }

  const [first = '', ...rest] = upper.split(/\s+/u)
  const argument = rest.length > 0 ? rest.join(' ') : null
  const word = COMMAND_WORDS[first]
  switch (word) {
    case 'subscribe':
      return { kind: 'subscribe', topic: argument }
    case 'unsubscribe':
      return argument === 'ALL' ? { kind: 'unsubscribeAll' } : { kind: 'unsubscribe', topic: argument }
    case undefined:
      return { kind: 'unknown', suggestion: suggestCommand(first) }
    default:
      return { kind: word }
  }
}
