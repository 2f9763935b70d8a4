// Development sender: logs each SMS and keeps the latest ones in an outbox served at GET /dev/outbox.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { maskPhone } from '../log.js'
import { newMessageSid } from '../twilio/sids.js'
import type { OutboundSms, SentSms, SmsSender } from './sender.js'

export interface OutboxEntry {
  sid: string
  to: string
  body: string
  sentAt: string
}

export interface ConsoleSender extends SmsSender {
  readonly kind: 'console'
  /** Newest first. */
  outbox(): OutboxEntry[]
}

export function createConsoleSender(logger: Logger, clock: Clock, keep = 50): ConsoleSender {
  const entries: OutboxEntry[] = []
  return {
    kind: 'console',
    outbox: () => [...entries].reverse(),
    async send(sms: OutboundSms): Promise<SentSms> {
      const sid = newMessageSid()
      entries.push({ sid, to: sms.to, body: sms.body, sentAt: clock.now().toISOString() })
      if (entries.length > keep) entries.shift()
      const body = sms.sensitive === true ? '[hidden: holds a one-time code, see GET /dev/outbox]' : sms.body
      logger.info({ sid, to: maskPhone(sms.to), body }, 'console sender: SMS not sent, kept in /dev/outbox')
      return { sid }
    },
  }
}
