// Replies first (SPEC §14): a code or a confirmation takes the next free slot of the shared send budget, ahead of queued notifications.
import type { OutboundSms, SentSms, SmsSender } from '../sender/sender.js'
import type { SendGate } from './send-gate.js'

export interface ReplySender extends SmsSender {
  /** Lets any reply still waiting for its slot go at once (on close: a code is never lost to a shutdown). */
  release(): void
}

/**
 * Wraps the sender for everything that is not a notification. SEND_RATE_PER_SECOND is one budget for all sends: each
 * reply takes a slot on the deployment's shared schedule, as the dispatcher does for each notification. The dispatcher
 * holds at most one slot ahead of time per instance (its turns are taken one at a time), so the reply's slot is at
 * most one slot per instance away, never behind the notifications still queued: those take their slots after it.
 */
export function createReplySender(sender: SmsSender, gate: SendGate): ReplySender {
  const closing = new AbortController()
  return {
    kind: sender.kind,
    async send(sms: OutboundSms): Promise<SentSms> {
      await gate.waitForSlot(closing.signal)
      return sender.send(sms)
    },
    release: () => closing.abort(),
  }
}
