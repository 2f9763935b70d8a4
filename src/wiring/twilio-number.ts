// The Twilio number's SMS webhook through the IncomingPhoneNumbers API (official SDK; TWILIO_API_URL aims it at a mock).
import { createRequire } from 'node:module'
import type TwilioSdk from 'twilio'

export interface TwilioAccount {
  accountSid: string
  authToken: string
  apiUrl: string
}

/** What smsbot reads and changes on an IncomingPhoneNumber. Twilio writes '' for an unset URL. */
export interface NumberWebhook {
  sid: string
  phoneNumber: string
  smsUrl: string
  smsMethod: string
  /** A TwiML app that handles this number's SMS instead of smsUrl ('' when none). */
  smsApplicationSid: string
}

export type WiringProblem =
  | { kind: 'credentials' }
  | { kind: 'no-number' }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'twilio'; status: number; code: number | undefined; detail: string }

/** A refusal from Twilio (or no answer at all), sorted by what the person has to fix; the CLI words it. */
export class WiringError extends Error {
  constructor(readonly problem: WiringProblem) {
    super(`Twilio wiring failed: ${problem.kind}${'detail' in problem ? ` (${problem.detail})` : ''}`)
    this.name = 'WiringError'
  }
}

export interface NumberWebhooks {
  /** The account's number with exactly this E.164 value; WiringError no-number when the account has none. */
  find(phoneNumber: string): Promise<NumberWebhook>
  /** Sets the number's SmsUrl and SmsMethod and returns the number as Twilio now has it. */
  point(sid: string, smsUrl: string, smsMethod: string): Promise<NumberWebhook>
}

type Instance = { sid: string; phoneNumber: string; smsUrl: string | null; smsMethod: string | null; smsApplicationSid: string | null }

const webhookOf = (n: Instance): NumberWebhook => ({
  sid: n.sid,
  phoneNumber: n.phoneNumber,
  smsUrl: n.smsUrl ?? '',
  smsMethod: n.smsMethod ?? '',
  smsApplicationSid: n.smsApplicationSid ?? '',
})

function wiringError(err: unknown): WiringError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : ''
  if (typeof e.status !== 'number') {
    // No answer at all: the network error's code (ECONNREFUSED, ENOTFOUND, ECONNABORTED) says the most.
    return new WiringError({ kind: 'unreachable', detail: [e.code, message].filter((s) => typeof s === 'string' && s !== '').join(': ') })
  }
  const code = typeof e.code === 'number' ? e.code : undefined
  // 20003 is Twilio's "Authenticate" error: a wrong SID or token, or a suspended account.
  if (e.status === 401 || code === 20003) return new WiringError({ kind: 'credentials' })
  if (e.status === 404 || code === 20404) return new WiringError({ kind: 'no-number' })
  return new WiringError({ kind: 'twilio', status: e.status, code, detail: message === '' ? `no message (HTTP ${e.status})` : message })
}

export function numberWebhooks(account: TwilioAccount): NumberWebhooks {
  // Loaded on first use: only `smsbot wire` and `smsbot tunnel` talk to Twilio's API, and the SDK costs 300 ms to load.
  const twilio = createRequire(import.meta.url)('twilio') as typeof TwilioSdk
  const client = twilio(account.accountSid, account.authToken, { timeout: 15_000 })
  client.api.baseUrl = account.apiUrl
  return {
    async find(phoneNumber) {
      let numbers: Instance[]
      try {
        numbers = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 20 })
      } catch (err) {
        throw wiringError(err)
      }
      // Twilio's PhoneNumber filter also matches partial numbers: keep the exact one.
      const number = numbers.find((n) => n.phoneNumber === phoneNumber)
      if (number === undefined) throw new WiringError({ kind: 'no-number' })
      return webhookOf(number)
    },
    async point(sid, smsUrl, smsMethod) {
      try {
        return webhookOf(await client.incomingPhoneNumbers(sid).update({ smsUrl, ...(smsMethod === '' ? {} : { smsMethod }) }))
      } catch (err) {
        throw wiringError(err)
      }
    },
  }
}
