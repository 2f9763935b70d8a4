// Picks the sender that SMS_SENDER names.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { ResolvedConfig } from '../config.js'
import { createConsoleSender } from './console.js'
import type { SmsSender } from './sender.js'
import { createTwilioSender } from './twilio.js'

export function createSender(config: ResolvedConfig, logger: Logger, clock: Clock): SmsSender {
  if (config.smsSender === 'console') return createConsoleSender(logger, clock)
  return createTwilioSender({
    accountSid: config.twilio.accountSid as string,
    authToken: config.twilio.authToken,
    apiUrl: config.twilio.apiUrl,
    phoneNumber: config.twilio.phoneNumber,
    messagingServiceSid: config.twilio.messagingServiceSid,
  })
}
