// The pino logger: JSON in production, pretty on a terminal, and no full phone number in any line.
import { pino, type Logger } from 'pino'

/** `+15551234567` → `+1******4567`: enough to tell phones apart in a log, not enough to text one. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `+${digits[0]}${'*'.repeat(digits.length - 5)}${digits.slice(-4)}`
}

/**
 * Percent-escapes of the characters a phone is written with (and of `%` itself, for double encoding) decoded,
 * so that `%2B1%20617%20555%200199` cannot slip past the pattern below; other escapes are left as they are.
 */
function decodePhoneEscapes(text: string): string {
  let decoded = text
  for (let pass = 0; pass < 4; pass++) {
    const next = decoded.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
      const char = String.fromCharCode(parseInt(hex, 16))
      return /[\d\s().+%-]/.test(char) ? char : escape
    })
    if (next === decoded) break
    decoded = next
  }
  return decoded
}

/**
 * Masks anything that looks like a phone number (7+ digits, optionally after + or `(`) inside free text, also when
 * it is percent-encoded or spaced with `+` as in a form-encoded query (`617+555+0199`).
 */
export function maskPhonesIn(text: string): string {
  return decodePhoneEscapes(text).replace(/[+(]?\d[\d\s().+-]{5,}\d/g, (match) => (match.replace(/\D/g, '').length >= 7 ? maskPhone(match) : match))
}

/** What a request log line shows of the URL: the path only (a query string can carry anything), phones masked. */
export function loggedPath(url: string): string {
  return maskPhonesIn(url.split(/[?#]/, 1)[0] as string)
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const pretty = destination === undefined && process.stdout.isTTY === true
  return pino({
    level,
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } : undefined,
    serializers: {
      req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, url: loggedPath(req.url) }),
    },
  }, pretty ? undefined : (destination as pino.DestinationStream | undefined) ?? stdoutLines())
}

/**
 * Standard output, written asynchronously: lines logged while a write is under way go out together in the next one,
 * instead of one write(2) per request line (about a tenth of a webhook's cost under load). pino flushes it
 * synchronously when the process exits, process.exit included; only a kill -9 can lose the lines of one write.
 */
function stdoutLines(): pino.DestinationStream {
  // A reader that stops reading (a stuck pipe) must not make memory grow: past 16 MB waiting, lines are dropped.
  return pino.destination({ dest: 1, sync: false, maxLength: 16 * 1024 * 1024 })
}
