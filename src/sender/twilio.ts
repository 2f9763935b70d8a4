// Sends SMS through Twilio's REST API with the official SDK; TWILIO_API_URL aims it at a mock in tests.
import { createRequire } from 'node:module'
import type TwilioSdk from 'twilio'
import { SendError, isRetryableStatus, type OutboundSms, type SentSms, type SmsSender } from './sender.js'

export interface TwilioSenderOptions {
  accountSid: string
  authToken: string
  apiUrl: string
  /** One of the two is required: the sending number, or a Messaging Service that picks one. */
  phoneNumber?: string | undefined
  messagingServiceSid?: string | undefined
}

export function createTwilioSender(options: TwilioSenderOptions): SmsSender {
  // The SDK (300 ms and 23 MB to load) only for SMS_SENDER=twilio: the console sender never pays for it.
  const twilio = createRequire(import.meta.url)('twilio') as typeof TwilioSdk
  const client = twilio(options.accountSid, options.authToken, { timeout: 15_000, keepAlive: true })
  client.api.baseUrl = options.apiUrl
  const from =
    options.messagingServiceSid !== undefined
      ? { messagingServiceSid: options.messagingServiceSid }
      : { from: options.phoneNumber as string }

  return {
    kind: 'twilio',
    async send(sms: OutboundSms): Promise<SentSms> {
      try {
        const message = await client.messages.create({
          ...from,
          to: sms.to,
          body: sms.body,
          ...(sms.statusCallback !== undefined ? { statusCallback: sms.statusCallback } : {}),
        })
        return { sid: message.sid }
      } catch (err) {
        const e = err as { status?: number; code?: number; message?: string }
        const status = typeof e.status === 'number' ? e.status : undefined
        const code = typeof e.code === 'number' ? e.code : undefined
        throw new SendError(e.message ?? 'Twilio request failed', isRetryableStatus(status), status, code)
      }
    },
  }
}
