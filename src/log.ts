// The pino logger: JSON in production, pretty on a terminal, and no full phone number in any line.
import { pino, type Logger } from 'pino'

/** `+15551234567` → `+1******4567`: how a log line (and a page) writes a phone; it lives with the texts, in copy/. */
export { maskPhone } from './copy/phone.js'

/** Percent-decoding passes before a text counts as hostile: double and triple encoding are decoded, deeper nesting is not. */
const DECODE_PASSES = 5

/**
 * Percent-escapes decoded as UTF-8, pass after pass (double encoding: `%252B`), each pass linear; a byte sequence
 * that is not UTF-8 becomes U+FFFD. `complete` is false when escapes are still left after the last pass.
 */
function decodeEscapes(text: string): { text: string; complete: boolean } {
  let decoded = text
  for (let pass = 0; pass < DECODE_PASSES; pass++) {
    if (!decoded.includes('%')) return { text: decoded, complete: true }
    const next = decoded.replace(/(?:%[0-9a-fA-F]{2})+/g, (escapes) => Buffer.from(escapes.replace(/%/g, ''), 'hex').toString('utf8'))
    if (next === decoded) return { text: decoded, complete: true }
    decoded = next
  }
  return { text: decoded, complete: !/%[0-9a-fA-F]{2}/.test(decoded) }
}

/** Any number character counts as a digit: fullwidth, Arabic-Indic and other decimal digits, and ①, ² and the like. */
const DIGIT = /\p{N}/u
const DECIMAL_DIGIT = /\p{Nd}/u

function isDigit(char: string): boolean {
  const code = char.charCodeAt(0)
  return code < 128 ? code >= 48 && code <= 57 : DIGIT.test(char)
}

/**
 * The value a digit shows in a mask: ASCII as it is; any other decimal digit (fullwidth, Arabic-Indic, …) by its place
 * in its block (Unicode encodes them in runs of ten from zero); other number characters by compatibility (①, ²), or #.
 */
function digitValue(char: string): string {
  if (char >= '0' && char <= '9') return char
  if (DECIMAL_DIGIT.test(char)) {
    let place = 0
    let code = char.codePointAt(0) as number
    while (place < 100 && DECIMAL_DIGIT.test(String.fromCodePoint(code - 1))) {
      place += 1
      code -= 1
    }
    return String(place % 10)
  }
  const compatible = char.normalize('NFKC')
  return /^[0-9]$/.test(compatible) ? compatible : '#'
}

function countDigits(text: string): number {
  let count = 0
  for (const char of text) if (isDigit(char)) count += 1
  return count
}

/** A dotted-quad IPv4 address, with a port or not (a phone written with dots has three or five groups, or four digits in one). */
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.])/g

/** Where a mask starts: a phone's leading + or ( goes with it. */
const LEADS = new Set(['+', '＋', '(', '（'])

/**
 * A stretch of text without ASCII letters in which 7 or more digits occur, whatever separates them, is taken as a
 * phone number: from its first digit (with a + or ( just before it) to its last, it becomes `+D*****DDDD`.
 * libphonenumber accepts every separator but ASCII letters (spaces of any kind, dashes, slashes, ー, …), so no
 * spelling it reads as a phone keeps its digits apart.
 */
function maskStretch(stretch: string): string {
  if (countDigits(stretch) < 7) return stretch
  // An IPv4 address (with its port) is no phone: 'listening at http://127.0.0.1:41097' stays readable.
  if (stretch.includes('.') && countDigits(stretch.replace(IPV4, '')) < 7) return stretch
  const chars = [...stretch]
  const digits: number[] = []
  chars.forEach((char, i) => {
    if (isDigit(char)) digits.push(i)
  })
  const first = digits[0] as number
  const last = digits.at(-1) as number
  const start = first > 0 && LEADS.has(chars[first - 1] as string) ? first - 1 : first
  const shown = `+${digitValue(chars[first] as string)}${'*'.repeat(digits.length - 5)}${digits
    .slice(-4)
    .map((i) => digitValue(chars[i] as string))
    .join('')}`
  return `${chars.slice(0, start).join('')}${shown}${chars.slice(last + 1).join('')}`
}

/**
 * Masks anything that may be a phone number in free text or a URL: percent-escapes are decoded first (also double
 * encoding), then every stretch without ASCII letters holding 7+ digits is masked (see maskStretch). Text with nothing
 * to mask comes back as it was; text whose escapes are nested too deep to decode shows no digit at all. Linear in the
 * length of the text: it runs on every request line.
 */
export function maskPhonesIn(text: string): string {
  const decoded = decodeEscapes(text)
  if (!decoded.complete) return decoded.text.replace(/\p{N}/gu, '#')
  let changed = false
  const masked = decoded.text.replace(/[^A-Za-z]+/g, (stretch) => {
    const result = maskStretch(stretch)
    if (result !== stretch) changed = true
    return result
  })
  return changed ? masked : text
}

/**
 * What a request log line shows of the URL: the path only (a query string can carry anything), with a phone in it
 * masked however it is spelled (`/api/phones/+1%C2%A0617%C2%A0555%C2%A00123/consent` → `/api/phones/+1******0123/consent`).
 */
export function loggedPath(url: string): string {
  return maskPhonesIn(url.split(/[?#]/, 1)[0] as string)
}

/** Fields of a logged error walked at most this deep, and this many values in all: an error can hold a socket. */
const ERROR_DEPTH = 6
const ERROR_VALUES = 500

/**
 * An error as the log shows it: pino's own serialization (type, message, stack with causes, own fields), with a phone
 * masked in every string and number in it. Twilio echoes the number in its messages ("The 'To' number +1… is not a
 * valid phone number"), and its errors carry more_info and details too.
 */
export function serializeError(err: unknown): unknown {
  let budget = ERROR_VALUES
  const mask = (value: unknown, depth: number): unknown => {
    if ((budget -= 1) < 0) return '[…]'
    if (typeof value === 'string') return maskPhonesIn(value)
    if (typeof value === 'number' || typeof value === 'bigint') {
      const masked = maskPhonesIn(String(value))
      return masked === String(value) ? value : masked
    }
    if (typeof value !== 'object' || value === null) return value
    if (depth >= ERROR_DEPTH) return '[…]'
    if (ArrayBuffer.isView(value)) return '[binary]'
    if (Array.isArray(value)) return value.map((item) => mask(item, depth + 1))
    const json = (value as { toJSON?: unknown }).toJSON
    if (typeof json === 'function') return mask(json.call(value), depth + 1)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mask(item, depth + 1)]))
  }
  return mask(pino.stdSerializers.err(err as Error), 0)
}

/**
 * Log calls with their messages masked too: pino takes a missing message from `err.message` itself, past any
 * serializer, so a call such as `log.error({ err })` gets the masked message here.
 */
function maskedArguments(args: unknown[]): unknown[] {
  const masked = args.map((arg) => (typeof arg === 'string' ? maskPhonesIn(arg) : arg))
  const first = masked[0]
  if (masked.length === 1 && typeof first === 'object' && first !== null && !('msg' in first)) {
    const err = first instanceof Error ? first : (first as { err?: unknown }).err
    const message = (err as { message?: unknown } | null | undefined)?.message
    if (typeof message === 'string') masked.push(maskPhonesIn(message))
  }
  return masked
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const pretty = destination === undefined && process.stdout.isTTY === true
  return pino(
    {
      level,
      transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } : undefined,
      serializers: {
        req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, url: loggedPath(req.url) }),
        // Every `{ err }` logged, by the app or by Fastify through a request's child logger (which inherits this).
        err: serializeError,
      },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, maskedArguments(args) as Parameters<typeof method>)
        },
      },
    },
    pretty ? undefined : ((destination as pino.DestinationStream | undefined) ?? stdoutLines()),
  )
}

/**
 * Standard output, written asynchronously and in blocks: lines wait until 4 KB have gathered (about a dozen request
 * lines) or 100 ms have passed, then go out in one write(2), instead of one write per request line or two (under
 * load, a tenth of a webhook's cost). pino flushes it synchronously when the process exits, process.exit included;
 * a kill -9 can lose the last 100 ms of lines.
 */
function stdoutLines(): pino.DestinationStream {
  // A reader that stops reading (a stuck pipe) must not make memory grow: past 16 MB waiting, lines are dropped.
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100, maxLength: 16 * 1024 * 1024 })
}
