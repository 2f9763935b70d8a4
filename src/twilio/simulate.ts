// Builds an inbound-SMS webhook exactly as Twilio sends it, signed, for the simulator and the tests.
import { createRequire } from 'node:module'
import type TwilioSdk from 'twilio'
import { newMessageSid } from './sids.js'

export interface SimulatedSms {
  from: string
  to: string
  body: string
  accountSid: string
  messageSid?: string
}

/** Every parameter Twilio posts for a plain inbound SMS (geographic fields left empty, as for many numbers). */
export function inboundParams(sms: SimulatedSms): Record<string, string> {
  const sid = sms.messageSid ?? newMessageSid()
  return {
    ToCountry: 'US',
    ToState: '',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: sms.body,
    FromCountry: 'US',
    To: sms.to,
    ToZip: '',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: sms.accountSid,
    From: sms.from,
    ApiVersion: '2010-04-01',
  }
}

/** The signature Twilio would send for these parameters posted to `url`. */
export function signWebhook(authToken: string, url: string, params: Record<string, string>): string {
  // The SDK is loaded on first use (300 ms): `smsbot text` signs with expectedSignature (signature.ts) instead.
  const twilio = createRequire(import.meta.url)('twilio') as typeof TwilioSdk
  return twilio.getExpectedTwilioSignature(authToken, url, params)
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" }

/** The texts of the <Message> elements of a TwiML reply (Twilio's own TwiML builder escapes only these entities). */
export function messagesOf(twiml: string): string[] {
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    (m[1] ?? '').replace(/&(?:lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e),
  )
}
