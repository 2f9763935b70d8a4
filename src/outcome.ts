// What a request did, as one typed value: a route reports it, and the request's log line and the metrics both read it.
import { maskPhone } from './log.js'
import type { SendResult } from './verify/codes.js'
import type { CheckDecision } from './verify/rules.js'

/** Why Twilio's webhook guard refused a request before any route ran (twilio/signature.ts). */
export type SignatureRefusal = 'missing' | 'malformed' | 'bad_url' | 'mismatch'

/** What a request did, for the requests that report something; the others report nothing (null). */
export type Outcome =
  /** POST /sms answered (the failure reply aside): what the message was (a command's id, 'keyword', 'repeat' …) and who sent it. */
  | { kind: 'sms'; from: string; command: string }
  /** A Twilio webhook refused by the signature check. */
  | { kind: 'refusal'; reason: SignatureRefusal }
  /** POST /verify: a code sent, or why not. */
  | { kind: 'codeSent'; outcome: 'sent' | Exclude<SendResult, { ok: true }>['reason'] }
  /** POST /verify/code: the phone verified, or why not. */
  | { kind: 'codeChecked'; outcome: 'verified' | Exclude<CheckDecision, { ok: true }>['reason'] }

declare module 'fastify' {
  interface FastifyRequest {
    /** What the route reports it did, read once the response is sent (app.ts); never a code, and a phone only to be masked. */
    outcome: Outcome | null
  }
}

/** The fields an outcome adds to its request's log line, the phone masked. */
export function logFieldsOf(outcome: Outcome | null): Record<string, string> {
  switch (outcome?.kind) {
    case undefined:
      return {}
    case 'sms':
      return { from: maskPhone(outcome.from), command: outcome.command }
    case 'refusal':
      return { refusal: outcome.reason }
    case 'codeSent':
      return { codeSent: outcome.outcome }
    case 'codeChecked':
      return { codeChecked: outcome.outcome }
  }
}
