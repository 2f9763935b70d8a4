// The pino logger: JSON in production, pretty on a terminal, and no full phone number in any line.
import { pino, type Logger } from 'pino'

/** `+15551234567` → `+1******4567`: enough to tell phones apart in a log, not enough to text one. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return `+${digits[0]}${'*'.repeat(digits.length - 5)}${digits.slice(-4)}`
}

/** Masks anything that looks like a phone number (7+ digits, optionally after + or %2B) inside free text. */
export function maskPhonesIn(text: string): string {
  return text.replace(/(?:\+|%2B|\()?\d[\d\s().-]{5,}\d/gi, (match) => (match.replace(/\D/g, '').length >= 7 ? maskPhone(match.replace(/%2B/i, '+')) : match))
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const pretty = destination === undefined && process.stdout.isTTY === true
  return pino({
    level,
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } : undefined,
    serializers: {
      req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, url: maskPhonesIn(req.url) }),
    },
  }, pretty ? undefined : destination as pino.DestinationStream | undefined)
}
